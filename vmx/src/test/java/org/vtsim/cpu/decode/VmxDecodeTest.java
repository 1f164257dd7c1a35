package org.vtsim.cpu.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The VMX opcodes (SDM Vol. 3C 31.3) decode to their operations, with GNU objdump's Intel text. */
class VmxDecodeTest {
    // GNU as --64, objdump -d -M intel.
    private static final String[][] VECTORS = {
        {"0f01c1", "VMCALL", "vmcall"},
        {"0f01c2", "VMLAUNCH", "vmlaunch"},
        {"0f01c3", "VMRESUME", "vmresume"},
        {"0f01c4", "VMXOFF", "vmxoff"},
        {"0f01d4", "VMFUNC", "vmfunc"},
        {"0f78c8", "VMREAD", "vmread rax,rcx"},
        {"0f785308", "VMREAD", "vmread QWORD PTR [rbx+0x8],rdx"},
        {"0f7916", "VMWRITE", "vmwrite rdx,QWORD PTR [rsi]"},
        {"450f79ca", "VMWRITE", "vmwrite r9,r10"},
        {"0fc733", "VMPTRLD", "vmptrld QWORD PTR [rbx]"},
        {"0fc77910", "VMPTRST", "vmptrst QWORD PTR [rcx+0x10]"},
        {"660fc733", "VMCLEAR", "vmclear QWORD PTR [rbx]"},
        {"f30fc730", "VMXON", "vmxon QWORD PTR [rax]"},
        {"660f38804308", "INVEPT", "invept rax,OWORD PTR [rbx+0x8]"},
        {"660f38810a", "INVVPID", "invvpid rcx,OWORD PTR [rdx]"},
    };

    @Test
    void decodesAsObjdumpPrints() {
        for (String[] v : VECTORS) {
            byte[] code = HexFormat.of().parseHex(v[0]);
            Insn i = new Decoder().decode(k -> code[k] & 0xff, true, true, 0);
            assertEquals(Op.valueOf(v[1]), i.op, v[0]);
            assertEquals(code.length, i.len, v[0]);
            assertEquals(v[2], DisassemblyTest.normalize(i.disassemble(0)), v[0]);
            assertEquals(true, i.op.isVmx(), v[0]);
        }
    }

    @Test
    void operandSizeIs32OutsideLongModeAnd64InIt() {
        byte[] code = HexFormat.of().parseHex("0f78c8"); // vmread eax,ecx / rax,rcx
        assertEquals(8, new Decoder().decode(k -> code[k] & 0xff, true, true, 0).osz);
        assertEquals(4, new Decoder().decode(k -> code[k] & 0xff, false, true, 0).osz);
        // RDRAND (0f c7 /6 with a register) is not VMPTRLD.
        byte[] rdrand = HexFormat.of().parseHex("0fc7f0");
        assertEquals(Op.RDRAND, new Decoder().decode(k -> rdrand[k] & 0xff, true, true, 0).op);
    }
}
