package org.vtsim.vmx.vmcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VmcsJsonTest {
    private static final VmcsField[] ALL = VmcsField.values();

    @Test
    void readsTheDocumentedForm() {
        VmcsJson.Document d = VmcsJson.parse("""
                {
                  "fields": {"GUEST_RIP": "0x1000", "GUEST_CS_SELECTOR": 8, "GUEST_RSP": "4096"},
                  "launched": true,
                  "address": "0x20000",
                  "memory": {"0x5000": "0x1234"}
                }""");
        Vmcs v = d.vmcs();
        assertEquals(0x1000, v.get(VmcsField.GUEST_RIP));
        assertEquals(8, v.get(VmcsField.GUEST_CS_SELECTOR));
        assertEquals(4096, v.get(VmcsField.GUEST_RSP));
        assertEquals(0, v.get(VmcsField.GUEST_CR0));
        assertTrue(v.launched());
        assertEquals(0x20000, v.address);
        assertEquals(Map.of(0x5000L, 0x1234L), d.memory());
        assertEquals(0x1234L, d.memoryImage().read64(0x5000));
        assertEquals(0L, d.memoryImage().read64(0x5008));
    }

    @Test
    void fullWidthValuesAreUnsigned() {
        Vmcs v = VmcsJson.read("{\"fields\": {\"GUEST_RIP\": \"0xffffffffffffffff\", \"TSC_OFFSET\": 18446744073709551615}}");
        assertEquals(-1L, v.get(VmcsField.GUEST_RIP));
        assertEquals(-1L, v.get(VmcsField.TSC_OFFSET));
        assertFalse(v.launched());
    }

    /** write then parse gives back the same VMCS, for random field values, launch state and address. */
    @Test
    void writeThenParseIsTheIdentity() {
        qt().withExamples(200).forAll(longs().all(), integers().between(0, 40)).checkAssert((seed, count) -> {
            Random r = new Random(seed);
            Vmcs v = new Vmcs(r.nextBoolean() ? 0 : (r.nextLong() & 0xffff_f000L));
            for (int i = 0; i < count; i++) {
                v.set(ALL[r.nextInt(ALL.length)], r.nextBoolean() ? r.nextLong() : r.nextInt(300));
            }
            v.setLaunched(r.nextBoolean());
            Map<Long, Long> memory = new TreeMap<>();
            if (r.nextBoolean()) {
                memory.put(r.nextLong() & 0xfff_fff8L, r.nextLong());
            }
            VmcsJson.Document back = VmcsJson.parse(VmcsJson.write(v, memory));
            for (VmcsField f : ALL) {
                assertEquals(v.get(f), back.vmcs().get(f), f.name());
            }
            assertEquals(v.launched(), back.vmcs().launched());
            assertEquals(v.address, back.vmcs().address);
            assertEquals(memory, back.memory());
        });
    }

    @Test
    void writesEveryNonZeroFieldAsHex() {
        Vmcs v = new Vmcs(0);
        v.set(VmcsField.GUEST_RIP, 0x1000);
        assertEquals("{\n  \"fields\": {\n    \"GUEST_RIP\": \"0x1000\"\n  },\n  \"launched\": false\n}\n",
                VmcsJson.write(v));
        assertEquals("{\n  \"fields\": {},\n  \"launched\": false\n}\n", VmcsJson.write(new Vmcs(0)));
    }

    /** Each broken document fails with the position of the offending text. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"fields\": {\"GUEST_RIPP\": 1}}                     | 1 | 13 | unknown VMCS field \"GUEST_RIPP\"",
        "{\"fields\": {\"GUEST_RIP\": 1}                       | 1 | 28 | unexpected end of input",
        "{\"fields\": {\"GUEST_RIP\": 1,}}                     | 1 | 28 | expected a member name",
        "{\"fields\": {\"GUEST_RIP\": 0x10}}                   | 1 | 27 | in number",
        "{\"fields\": {\"GUEST_RIP\": \"0xZZ\"}}               | 1 | 26 | GUEST_RIP: not a number",
        "{\"fields\": {\"GUEST_CS_SELECTOR\": \"0x10000\"}}    | 1 | 34 | does not fit in 16 bits",
        "{\"fields\": {\"GUEST_CS_LIMIT\": -1}}                | 1 | 31 | negative value",
        "{\"fields\": {\"GUEST_RIP\": 1.5}}                    | 1 | 27 | only integer numbers",
        "{\"fields\": {\"GUEST_RIP\": true}}                   | 1 | 26 | expected a number",
        "{\"fields\": {}, \"launch\": true}                    | 1 | 16 | unknown member \"launch\"",
        "{\"fields\": {}, \"launched\": 1}                     | 1 | 28 | must be true or false",
        "{\"fields\": {\"GUEST_RIP\": 1, \"GUEST_RIP\": 2}}    | 1 | 29 | duplicate member",
        "{\"launched\": false}                                 | 1 | 1  | missing member \"fields\"",
        "[1, 2]                                                | 1 | 1  | expected a JSON object",
        "{\"fields\": []}                                      | 1 | 12 | \"fields\" must be an object",
        "{\"fields\": {}} x                                    | 1 | 16 | unexpected text after",
        "''                                                    | 1 | 1  | unexpected end of input",
    })
    void errorsNameLineAndColumn(String json, int line, int column, String message) {
        VmcsJsonException e = assertThrows(VmcsJsonException.class, () -> VmcsJson.parse(json.trim()));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(line, e.line, e.getMessage());
        assertEquals(column, e.column, e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ", column " + column + ": "), e.getMessage());
    }

    @Test
    void positionsCountLines() {
        VmcsJsonException e = assertThrows(VmcsJsonException.class,
                () -> VmcsJson.parse("{\n  \"fields\": {\n    \"GUEST_RIP\": 1,\n    \"NOPE\": 2\n  }\n}"));
        assertEquals(4, e.line);
        assertEquals(5, e.column);
        e = assertThrows(VmcsJsonException.class, () -> VmcsJson.parse("{\n  \"fields\": {\n  \"A\" 1"));
        assertEquals(3, e.line);
        assertEquals(7, e.column);
    }

    @Test
    void numbersOnTheCommandLineFollowTheSameRules() {
        assertEquals(255, VmcsJson.parseNumber("0xff", 32, "v").value());
        assertEquals(255, VmcsJson.parseNumber("255", 32, "v").value());
        assertFalse(VmcsJson.parseNumber("0x", 32, "v").isOk());
        assertFalse(VmcsJson.parseNumber("-1", 32, "v").isOk());
        assertFalse(VmcsJson.parseNumber("0x-1", 32, "v").isOk());
        assertFalse(VmcsJson.parseNumber("0x100000000", 32, "v").isOk());
        assertTrue(VmcsJson.parseNumber("0xffffffff", 32, "v").isOk());
        assertFalse(VmcsJson.parseNumber("twelve", 32, "v").isOk());
    }

    @Test
    void stringEscapesAreDecoded() {
        VmcsJsonException e = assertThrows(VmcsJsonException.class,
                () -> VmcsJson.parse("{\"fields\": {\"GUEST\\u005fRIPX\": 1}}"));
        assertTrue(e.getMessage().contains("\"GUEST_RIPX\""), e.getMessage());
        assertEquals(7, VmcsJson.read("{\"fields\": {\"GUEST\\u005fRIP\": 7}}").get(VmcsField.GUEST_RIP));
    }
}
