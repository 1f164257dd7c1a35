package org.vtsim.vmx.tables;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the two-column reference tables under {@code src/test/resources/org/vtsim/vmx/} (lines
 * starting with '#' are their provenance comments; the first other line is the column header).
 */
public final class LinuxTable {
    private LinuxTable() {
    }

    /** The rows as an ordered map from the first column to the second, both trimmed. */
    public static Map<String, String> read(String resource) {
        InputStream in = LinuxTable.class.getResourceAsStream("/org/vtsim/vmx/" + resource);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + resource);
        }
        Map<String, String> rows = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            boolean header = true;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    continue;
                }
                String[] cols = line.split(",");
                if (cols.length != 2 || rows.put(cols[0].trim(), cols[1].trim()) != null) {
                    throw new IllegalStateException(resource + ": bad or duplicate row: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(resource + " has no rows");
        }
        return rows;
    }
}
