package org.vtsim.cpu.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decodes byte sequences and compares the text with GNU objdump's (test data in resources). */
class DisassemblyTest {
    static String normalize(String s) {
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        return s.trim().replaceAll("\\s+", " ");
    }

    /** objdump decodes F3 0F BC/BD as TZCNT/LZCNT whatever the CPU: decode as a BMI1 + LZCNT part. */
    static Insn decode64(byte[] code) {
        return new Decoder(true, true).decode(i -> code[i] & 0xff, true, true, 0);
    }

    @Test
    void matchesObjdumpIntelSyntax() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        try (var in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("objdump-intel-64.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\\|", 2);
                byte[] code = HexFormat.of().parseHex(parts[0]);
                Insn insn = decode64(code);
                n++;
                String got = normalize(insn.disassemble(0));
                String want = normalize(parts[1]);
                if (insn.len != code.length || !got.equals(want)) {
                    mismatches.add(parts[0] + ": want '" + want + "' got '" + got + "' (len " + insn.len + ")");
                }
            }
        }
        assertTrue(n > 90, "test vectors read: " + n);
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    @Test
    void unknownOpcodeDecodesToUnimplementedNotAnException() {
        Insn i = decode64(HexFormat.of().parseHex("0f28c1")); // movaps xmm0,xmm1
        assertEquals(Op.UNIMPLEMENTED, i.op);
        assertEquals("0f 28 sse", i.what);
    }

    @Test
    void lockOnANonLockableInstructionIsInvalid() {
        assertEquals(Op.INVALID, decode64(HexFormat.of().parseHex("f04801d8")).op); // lock add rax,rbx
        assertEquals(Op.ALU_RM_R, decode64(HexFormat.of().parseHex("f0480118")).op); // lock add [rax],rbx
    }

    @Test
    void instructionsLongerThan15BytesRaiseGp() {
        byte[] code = HexFormat.of().parseHex("6666666666666666666666666666669090");
        var f = org.junit.jupiter.api.Assertions.assertThrows(org.vtsim.cpu.CpuFault.class, () -> decode64(code));
        assertEquals(org.vtsim.cpu.Vectors.GP, f.vector);
    }

    @Test
    void rexBeforeALegacyPrefixIsIgnored() {
        // 48 66 89 c8: the REX.W is followed by 66, so it is ignored: mov ax,cx.
        Insn i = decode64(HexFormat.of().parseHex("486689c8"));
        assertEquals(2, i.osz);
    }

    @Test
    void pageCrossingIsNoted() {
        byte[] code = HexFormat.of().parseHex("48b8efcdab8967452301");
        Insn i = new Decoder().decode(k -> code[k] & 0xff, true, true, 4090);
        assertTrue(i.crossesPage);
        Insn j = new Decoder().decode(k -> code[k] & 0xff, true, true, 4086);
        assertTrue(!j.crossesPage);
    }
}
