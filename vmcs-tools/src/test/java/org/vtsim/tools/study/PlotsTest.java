package org.vtsim.tools.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The SVG charts: well-formed, labelled, missing figures marked rather than drawn as zero, same bytes each time. */
class PlotsTest {
    private static Document xml(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static final List<String> CATS = List.of("a<b & \"c\"", "memwalk ws=1m");
    private static final List<String> MODES = List.of("native", "ept", "shadow");

    private static String grouped() {
        return BarChart.grouped("t", "overhead", CATS, MODES,
                new double[][] {{1, 2.5, Double.NaN}, {1, 1.25, 1.1}}, 1.0,
                new String[][] {{null, null, "unsupported: shadow paging"}, {null, null, null}});
    }

    @Test
    void groupedBarsAreWellFormedAndMarkMissingValues() throws Exception {
        String svg = grouped();
        Document d = xml(svg);
        assertEquals("svg", d.getDocumentElement().getTagName());
        // five bars drawn (plus the background and the legend swatches), one × for the missing one
        NodeList rects = d.getElementsByTagName("rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            org.w3c.dom.Element e = (org.w3c.dom.Element) rects.item(i);
            if (e.getElementsByTagName("title").getLength() == 1
                    && !e.getAttribute("fill").equals("none")) {
                bars++;
            }
        }
        assertEquals(5, bars);
        assertTrue(svg.contains(">×</text>"), svg);
        assertTrue(svg.contains("unsupported: shadow paging"), "the tooltip says why");
        assertTrue(svg.contains("a&lt;b &amp; &quot;c&quot;"), "labels are escaped");
        assertTrue(svg.contains("stroke-dasharray"), "the reference line at 1");
        assertEquals(svg, grouped(), "same input, same bytes");
    }

    @Test
    void stackedBarsAddUpAndLinesBreakAtMissingPoints() throws Exception {
        String stacked = BarChart.stacked("exits", "VM exits", List.of("w"), List.of("ept", "shadow"),
                List.of("IO_INSTRUCTION", "CPUID"), new double[][][] {{{300, 20}, {Double.NaN, Double.NaN}}});
        xml(stacked);
        assertTrue(stacked.contains("w, ept, IO_INSTRUCTION: 300"), stacked);
        assertTrue(stacked.contains(">×</text>"), "the shadow bar has no figure");
        String lines = LineChart.lines("sweep", "ws", "cycles", List.of("64", "256", "1024"), List.of("ept"),
                new double[][] {{1e6, Double.NaN, 3e6}}, Double.NaN);
        xml(lines);
        assertFalse(lines.contains("<polyline"), "no segment spans the missing point");
        assertEquals(2, lines.split("<circle", -1).length - 1, lines);
    }
}
