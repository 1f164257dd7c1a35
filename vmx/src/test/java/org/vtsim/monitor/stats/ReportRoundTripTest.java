package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON and CSV read back (by readers written here, not by the writers' code) to the report they came from. */
class ReportRoundTripTest {

    @Test
    void jsonAndCsvRoundTrip() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 300)).checkAssert((seed, n) -> {
            ExitRecorder rec = new ExitRecorder();
            ExitSequences.run(rec, ExitSequences.generate(seed, n), 0, 10);
            ExitStatsReport rep = rec.report();
            checkJson(rep, ExitStatsJson.format(rep, 3000));
            checkCsv(rep, ExitStatsCsv.format(rep));
        });
    }

    @SuppressWarnings("unchecked")
    private static void checkJson(ExitStatsReport rep, String text) {
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(text);
        assertEquals(ExitStatsJson.SCHEMA, root.get("schema"));
        assertEquals("cycles", root.get("time_unit"));
        assertEquals(3000.0, MiniJson.num(root.get("cpu_frequency_mhz")));
        Map<String, Object> t = (Map<String, Object>) root.get("totals");
        assertEquals(rep.totals(), new ExitStatsReport.Totals((Long) t.get("exits"), (Long) t.get("cycles_in_exits"),
                (Long) t.get("cycles_in_guest"), (Long) t.get("guest_instructions"),
                MiniJson.num(t.get("exits_per_million_instructions"))));
        assertEquals(rep.reasons(), rows((List<Object>) root.get("reasons")));
        Map<String, Object> b = (Map<String, Object>) root.get("breakdowns");
        assertEquals(Breakdown.values().length, b.size());
        for (Breakdown k : Breakdown.values()) {
            assertEquals(rep.breakdown(k), rows((List<Object>) b.get(k.id)), k.id);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<ExitStatsReport.Row> rows(List<Object> list) {
        List<ExitStatsReport.Row> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> m = (Map<String, Object>) o;
            assertEquals(11, m.size(), m.toString());
            out.add(new ExitStatsReport.Row((String) m.get("key"), (Long) m.get("number"), (Long) m.get("count"),
                    MiniJson.num(m.get("samples_pct")), MiniJson.num(m.get("time_pct")), (Long) m.get("total_cycles"),
                    (Long) m.get("min_cycles"), (Long) m.get("max_cycles"), MiniJson.num(m.get("mean_cycles")),
                    MiniJson.num(m.get("stddev_cycles")), MiniJson.num(m.get("rel_stddev_pct"))));
        }
        return out;
    }

    private static void checkCsv(ExitStatsReport rep, String text) {
        List<List<String>> lines = csv(text);
        assertEquals(List.of(ExitStatsCsv.HEADER.split(",")), lines.get(0));
        List<ExitStatsReport.Row> reasons = new ArrayList<>();
        Map<Breakdown, List<ExitStatsReport.Row>> tables = new java.util.EnumMap<>(Breakdown.class);
        Map<String, String> totals = new java.util.HashMap<>();
        for (List<String> f : lines.subList(1, lines.size())) {
            assertEquals(13, f.size(), f.toString());
            if (f.get(0).equals("totals")) {
                totals.put(f.get(1), f.get(12));
                continue;
            }
            ExitStatsReport.Row r = new ExitStatsReport.Row(f.get(1), Long.parseLong(f.get(2)), Long.parseLong(f.get(3)),
                    Double.parseDouble(f.get(4)), Double.parseDouble(f.get(5)), Long.parseLong(f.get(6)),
                    Long.parseLong(f.get(7)), Long.parseLong(f.get(8)), Double.parseDouble(f.get(9)),
                    Double.parseDouble(f.get(10)), Double.parseDouble(f.get(11)));
            if (f.get(0).equals("reason")) {
                reasons.add(r);
            } else {
                Breakdown b = java.util.Arrays.stream(Breakdown.values()).filter(x -> x.id.equals(f.get(0)))
                        .findFirst().orElseThrow();
                tables.computeIfAbsent(b, x -> new ArrayList<>()).add(r);
            }
        }
        assertEquals(rep.reasons(), reasons);
        for (Breakdown b : Breakdown.values()) {
            assertEquals(rep.breakdown(b), tables.getOrDefault(b, List.of()));
        }
        ExitStatsReport.Totals t = rep.totals();
        assertEquals(t, new ExitStatsReport.Totals(Long.parseLong(totals.get("exits")),
                Long.parseLong(totals.get("cycles_in_exits")), Long.parseLong(totals.get("cycles_in_guest")),
                Long.parseLong(totals.get("guest_instructions")),
                Double.parseDouble(totals.get("exits_per_million_instructions"))));
    }

    /** RFC 4180 fields: quoted fields may hold commas and doubled quotes. */
    private static List<List<String>> csv(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> line = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                line.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                line.add(f.toString());
                f.setLength(0);
                out.add(line);
                line = new ArrayList<>();
            } else {
                f.append(c);
            }
        }
        assertEquals(0, f.length() + line.size(), "text ends with a line break");
        return out;
    }

    @Test
    void csvQuotesFieldsThatNeedIt() {
        assertEquals("\"a,b\"", ExitStatsCsv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ExitStatsCsv.field("say \"hi\""));
        assertEquals("0x80:POUT:1", ExitStatsCsv.field("0x80:POUT:1"));
    }
}
