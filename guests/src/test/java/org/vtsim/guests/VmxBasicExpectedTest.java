package org.vtsim.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * expected/vmx-basic.txt is written by hand from the SDM, not produced by a run. These checks
 * hold it to the committed image: every exit line names an instruction that really sits at that
 * offset from {@code guest_entry}, with the exit reason (SDM Appendix C), instruction length
 * (SDM 27.2.5) and exit qualification (SDM 27.2.1, Tables 27-3 and 27-5) that encoding implies,
 * decoded here independently of the guest's own expectation table; and the summary line agrees
 * with the lines above it.
 */
class VmxBasicExpectedTest {

    private static final Pattern EXIT = Pattern.compile(
            "exit (\\d+): reason (\\d+) \\([^)]*\\), qualification 0x([0-9a-f]+), length (\\d+|undefined),"
                    + " rip guest_entry\\+0x([0-9a-f]+) - ok");
    private static final Pattern SUMMARY = Pattern.compile(
            "vmx-basic: (\\d+) checks, (\\d+) mismatches with the SDM, (\\d+) exits handled");

    private final String expected = Guests.expectedOutput("vmx-basic");
    private final byte[] image = Guests.image("vmx-basic");

    @Test
    void everyExitLineMatchesTheInstructionAtItsOffset() {
        long entry = symbol("guest_entry");
        int exits = 0;
        for (String line : expected.lines().toList()) {
            Matcher m = EXIT.matcher(line);
            if (!m.matches()) {
                continue;
            }
            exits++;
            assertEquals(exits, Integer.parseInt(m.group(1)), "exits are numbered in order: " + line);
            int reason = Integer.parseInt(m.group(2));
            long qualification = Long.parseLong(m.group(3), 16);
            String length = m.group(4);
            byte[] code = bytesAt(entry + Long.parseLong(m.group(5), 16), 15);
            Decoded d = decode(code);
            assertEquals(d.reason, reason, "exit reason for " + d.what + ": " + line);
            assertEquals(d.qualification, qualification, "exit qualification for " + d.what + ": " + line);
            if (reason == 0) {
                // SDM 27.2.5: the instruction length is undefined for a hardware exception (#UD).
                assertEquals("undefined", length, line);
            } else {
                assertEquals(String.valueOf(d.length), length, "instruction length of " + d.what + ": " + line);
            }
        }
        assertEquals(9, exits, "CPUID, VMCALL, OUT, RDMSR, MOV CR3, HLT, UD2, RDTSC, VMCALL");
        assertTrue(expected.contains("guest stopped after " + exits + " exits - ok\n"));
    }

    @Test
    void summaryCountsTheChecksAboveIt() {
        List<String> lines = expected.lines().toList();
        Matcher m = SUMMARY.matcher(lines.get(lines.size() - 1));
        assertTrue(m.matches(), "last line is the summary: " + lines.get(lines.size() - 1));
        long ok = lines.stream().filter(l -> l.endsWith(" - ok")).count();
        assertEquals(ok, Long.parseLong(m.group(1)), "checks = lines ending in ' - ok'");
        assertEquals("0", m.group(2));
        assertEquals(lines.stream().filter(l -> EXIT.matcher(l).matches()).count(), Long.parseLong(m.group(3)));
        assertTrue(lines.stream().noneMatch(l -> l.contains("MISMATCH")));
    }

    private record Decoded(String what, int reason, long qualification, int length) {
    }

    /** The few encodings the nested guest uses (SDM Vol. 2 opcode map) and the exit each causes. */
    private static Decoded decode(byte[] c) {
        int i = 0;
        int rex = 0;
        if ((c[0] & 0xf0) == 0x40) {
            rex = c[0] & 0xff;
            i = 1;
        }
        int op = c[i] & 0xff;
        if (op == 0xf4) {
            return new Decoded("HLT", 12, 0, i + 1);
        }
        if (op == 0xe6) {
            // OUT imm8, AL: Table 27-5 size-1 = 0 (bits 2:0), OUT (bit 3 = 0), immediate (bit 6), port 31:16
            int port = c[i + 1] & 0xff;
            return new Decoded("OUT imm8, AL", 30, (long) port << 16 | 1L << 6, i + 2);
        }
        if (op != 0x0f) {
            fail(String.format("no exiting instruction at this offset (byte %02x)", op));
        }
        int op2 = c[i + 1] & 0xff;
        switch (op2) {
            case 0xa2:
                return new Decoded("CPUID", 10, 0, i + 2);
            case 0x32:
                return new Decoded("RDMSR", 31, 0, i + 2);
            case 0x31:
                return new Decoded("RDTSC", 16, 0, i + 2);
            case 0x0b:
                return new Decoded("UD2", 0, 0, i + 2);
            case 0x01:
                if ((c[i + 2] & 0xff) == 0xc1) {
                    return new Decoded("VMCALL", 18, 0, i + 3);
                }
                break;
            case 0x22: {
                // MOV CRn, r64: Table 27-3 CR number 3:0, access type 0 (5:4), GPR in 11:8 (REX.B extends r/m)
                int modrm = c[i + 2] & 0xff;
                int cr = (modrm >> 3) & 7 | ((rex & 4) != 0 ? 8 : 0);
                int gpr = modrm & 7 | ((rex & 1) != 0 ? 8 : 0);
                return new Decoded("MOV to CR" + cr, 28, cr | (long) gpr << 8, i + 3);
            }
            default:
                break;
        }
        fail(String.format("no exiting instruction at this offset (0f %02x)", op2));
        return null;
    }

    /** A symbol's value from the ELF32 image's symbol table (objcopy keeps .symtab). */
    private long symbol(String name) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int shoff = b.getInt(32), shentsize = b.getShort(46), shnum = b.getShort(48);
        for (int s = 0; s < shnum; s++) {
            int sh = shoff + s * shentsize;
            if (b.getInt(sh + 4) != 2) { // SHT_SYMTAB
                continue;
            }
            int off = b.getInt(sh + 16), size = b.getInt(sh + 20), link = b.getInt(sh + 24), entsize = b.getInt(sh + 36);
            int strOff = b.getInt(shoff + link * shentsize + 16);
            for (int e = off; e < off + size; e += entsize) {
                int nameAt = strOff + b.getInt(e);
                int end = nameAt;
                while (image[end] != 0) {
                    end++;
                }
                if (new String(image, nameAt, end - nameAt, StandardCharsets.US_ASCII).equals(name)) {
                    return Integer.toUnsignedLong(b.getInt(e + 4));
                }
            }
        }
        return fail("symbol " + name + " not in the image");
    }

    /** Bytes at a virtual address, through the program headers. */
    private byte[] bytesAt(long vaddr, int n) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int phoff = b.getInt(28), phentsize = b.getShort(42), phnum = b.getShort(44);
        for (int i = 0; i < phnum; i++) {
            int ph = phoff + i * phentsize;
            long va = Integer.toUnsignedLong(b.getInt(ph + 8));
            long filesz = Integer.toUnsignedLong(b.getInt(ph + 16));
            if (b.getInt(ph) == 1 && vaddr >= va && vaddr + n <= va + filesz) {
                byte[] out = new byte[n];
                System.arraycopy(image, (int) (b.getInt(ph + 4) + (vaddr - va)), out, 0, n);
                return out;
            }
        }
        return fail("address " + Long.toHexString(vaddr) + " not in a loaded segment");
    }
}
