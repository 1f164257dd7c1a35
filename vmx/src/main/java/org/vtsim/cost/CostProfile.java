package org.vtsim.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

/**
 * Cycles charged per {@link Cost} item. Immutable; a flat array indexed by ordinal so that the
 * interpreter's hot path reads a final field, not a map.
 *
 * <p>{@link #skylake()} is the default profile; {@link #load(Path)} reads a properties file
 * whose keys are {@link Cost} names (unknown keys are an error, missing keys keep the default);
 * {@link #zero()} charges nothing (used by tests that check functional results do not depend
 * on the profile).
 */
public final class CostProfile {
    private static final Cost[] ITEMS = Cost.values();
    private static final CostProfile SKYLAKE = fromDefaults("skylake");

    private final String name;
    private final long[] cycles;

    // Hot-path copies of the most used items.
    public final long instruction;
    public final long takenBranch;
    public final long memoryAccess;

    private CostProfile(String name, long[] cycles) {
        this.name = name;
        this.cycles = cycles;
        this.instruction = cycles[Cost.INSTRUCTION.ordinal()];
        this.takenBranch = cycles[Cost.TAKEN_BRANCH.ordinal()];
        this.memoryAccess = cycles[Cost.MEMORY_ACCESS.ordinal()];
    }

    private static CostProfile fromDefaults(String name) {
        long[] c = new long[ITEMS.length];
        for (Cost k : ITEMS) {
            c[k.ordinal()] = k.defaultCycles();
        }
        return new CostProfile(name, c);
    }

    public static CostProfile skylake() {
        return SKYLAKE;
    }

    /** The bundled profiles by name, for {@link #named} and {@code --profile NAME}. */
    public static final java.util.List<String> NAMES = java.util.List.of("skylake", "nehalem");

    /**
     * A bundled profile: {@code skylake} (the default) or {@code nehalem} (a Nehalem-class part: the
     * Skylake figures with that generation's published world-switch cost, resource
     * {@code org/vtsim/cost/nehalem.properties}).
     *
     * @throws IllegalArgumentException for another name
     */
    public static CostProfile named(String name) {
        if (name.equals("skylake")) {
            return SKYLAKE;
        }
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown cost profile '" + name + "' (bundled: " + NAMES
                    + "; or a properties file)");
        }
        try (InputStream in = CostProfile.class.getResourceAsStream(name + ".properties")) {
            if (in == null) {
                throw new IllegalStateException("bundled cost profile " + name + " is missing from the jar");
            }
            return load(name, in);
        } catch (IOException e) {
            throw new IllegalStateException("bundled cost profile " + name + ": " + e.getMessage(), e);
        }
    }

    /** A bundled profile by name ({@link #named}), else a properties file at that path ({@link #load(Path)}). */
    public static CostProfile resolve(String nameOrFile) throws IOException {
        return NAMES.contains(nameOrFile) ? named(nameOrFile) : load(Path.of(nameOrFile));
    }

    public static CostProfile zero() {
        return new CostProfile("zero", new long[ITEMS.length]);
    }

    public static CostProfile load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return fromProperties(file.getFileName().toString(), p);
    }

    public static CostProfile load(String name, InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        return fromProperties(name, p);
    }

    private static CostProfile fromProperties(String name, Properties p) {
        long[] c = Arrays.copyOf(SKYLAKE.cycles, ITEMS.length);
        for (String key : p.stringPropertyNames()) {
            Cost k;
            try {
                k = Cost.valueOf(key.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cost profile " + name + ": unknown item '" + key
                        + "' (known: " + Arrays.toString(ITEMS) + ")");
            }
            String v = p.getProperty(key).trim();
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                c[k.ordinal()] = n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cost profile " + name + ": item " + key
                        + " needs a non-negative whole number of cycles, got '" + v + "'");
            }
        }
        return new CostProfile(name, c);
    }

    public String name() {
        return name;
    }

    public long cycles(Cost item) {
        return cycles[item.ordinal()];
    }
}
