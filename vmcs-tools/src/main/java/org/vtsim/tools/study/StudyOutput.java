package org.vtsim.tools.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a study's output folder: results.csv, results.json, the SVG plots and index.html. Every file
 * is a function of the results alone (no host times, no dates), so the same study gives the same bytes.
 */
public final class StudyOutput {
    private StudyOutput() {
    }

    /**
     * @param plots whether to write the SVG plots and index.html
     * @return the files written, in order
     */
    public static List<Path> write(Path dir, String command, Study study, List<Study.Result> results, boolean plots)
            throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(write(dir.resolve("results.csv"), ResultsCsv.format(results)));
        written.add(write(dir.resolve("results.json"), ResultsJson.format(study, results)));
        if (plots) {
            List<Plots.Plot> all = Plots.all(study, results);
            for (Plots.Plot p : all) {
                written.add(write(dir.resolve(p.file()), p.svg()));
            }
            written.add(write(dir.resolve("index.html"), HtmlReport.format(command, study, results, all)));
        }
        return written;
    }

    private static Path write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
