package org.vtsim.conformance.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The encoder's bytes mean what its mnemonics say: generated sequences are disassembled with GNU
 * objdump and every instruction must start where the generator put it, have the generator's
 * length, and carry the generator's mnemonic. Skipped (with the reason) where objdump is absent.
 */
class EncoderObjdumpTest {
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+)\\t(.*)$");

    @Test
    void generatedBytesDisassembleToTheirMnemonics() throws Exception {
        Assumptions.assumeTrue(objdumpPresent(), "skipped: no objdump on PATH");
        SequenceGenerator gen = new SequenceGenerator(EnumSet.allOf(Family.class), new HostFeatures(true, true, true), 16);
        List<String> problems = new ArrayList<>();
        Path dir = Files.createTempDirectory("vtsim-objdump-");
        int checked = 0;
        try {
            for (int i = 0; i < 300 && problems.size() < 20; i++) {
                long seed = 0x5eed0000L + i;
                TestCase c = gen.generate(seed);
                Path bin = dir.resolve("seq.bin");
                Files.write(bin, c.code());
                Process p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                        "--insn-width=16", "--adjust-vma=0x" + Long.toHexString(Layout.CODE), bin.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                List<String[]> lines = new ArrayList<>();
                for (String l : out.split("\n")) {
                    Matcher m = LINE.matcher(l);
                    if (m.matches()) {
                        lines.add(new String[] {m.group(1), m.group(2).trim(), m.group(3).trim()});
                    }
                }
                if (lines.size() != c.insns().size()) {
                    problems.add("seed " + Long.toHexString(seed) + ": objdump saw " + lines.size() + " instructions, generator "
                            + c.insns().size() + "\n" + c.listing() + out);
                    continue;
                }
                for (int k = 0; k < lines.size(); k++) {
                    Insn insn = c.insns().get(k);
                    String[] l = lines.get(k);
                    String ours = mnemonic(insn.text());
                    String theirs = mnemonic(l[2]);
                    if (Long.parseLong(l[0], 16) != insn.address() || !l[1].equals(insn.hex()) || !ours.equals(theirs)
                            || l[2].contains("(bad)")) {
                        problems.add(String.format("seed %x: %s  vs objdump  %s: %s   %s", seed, insn, l[0], l[1], l[2]));
                    }
                    checked++;
                }
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        assertEquals(List.of(), problems, "encoder/objdump disagreements");
        System.out.println("encoder agrees with objdump on " + checked + " instructions");
    }

    /** The mnemonic with its prefixes, in a form both spellings share. */
    static String mnemonic(String text) {
        String[] t = text.toLowerCase().split("\\s+");
        StringBuilder sb = new StringBuilder();
        for (String s : t) {
            sb.append(sb.length() == 0 ? "" : " ").append(s);
            if (!s.equals("lock") && !s.startsWith("rep")) {
                break;
            }
        }
        String m = sb.toString().replace("repe ", "repz ").replace("repne ", "repnz ");
        // String instructions: objdump spells the width in the operands, we in the suffix.
        return m.replaceAll("(movs|cmps|stos|lods|scas)[bwdq]$", "$1").replace("sal", "shl");
    }

    static boolean objdumpPresent() {
        try {
            Process p = new ProcessBuilder("objdump", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
