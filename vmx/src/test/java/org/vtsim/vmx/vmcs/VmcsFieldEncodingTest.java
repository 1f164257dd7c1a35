package org.vtsim.vmx.vmcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.VmxCapabilities;

/**
 * The properties {@link VmcsField} derives from an encoding, against SDM Vol. 3C 24.11.2 (Table 24-21,
 * "Structure of VMCS Component Encoding"): bit 0 access type (0 full, 1 high), bits 9:1 index, bits
 * 11:10 type (0 control, 1 VM-exit information, 2 guest state, 3 host state), bit 12 reserved,
 * bits 14:13 width (0 16-bit, 1 64-bit, 2 32-bit, 3 natural width), bits 31:15 reserved.
 */
class VmcsFieldEncodingTest {
    private static final VmcsField[] ALL = VmcsField.values();

    /** A sample of Appendix B fields, one or more per width x type, with their Table 24-21 reading. */
    @ParameterizedTest
    @CsvSource({
        "VIRTUAL_PROCESSOR_IDENTIFIER, 0x0000, BITS_16, CONTROL, 0",
        "GUEST_CS_SELECTOR, 0x0802, BITS_16, GUEST_STATE, 1",
        "HOST_TR_SELECTOR, 0x0c0c, BITS_16, HOST_STATE, 6",
        "TSC_OFFSET, 0x2010, BITS_64, CONTROL, 8",
        "GUEST_PHYSICAL_ADDRESS, 0x2400, BITS_64, EXIT_INFORMATION, 0",
        "VMCS_LINK_POINTER, 0x2800, BITS_64, GUEST_STATE, 0",
        "HOST_IA32_EFER, 0x2c02, BITS_64, HOST_STATE, 1",
        "PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 0x4002, BITS_32, CONTROL, 1",
        "EXIT_REASON, 0x4402, BITS_32, EXIT_INFORMATION, 1",
        "VMX_PREEMPTION_TIMER_VALUE, 0x482e, BITS_32, GUEST_STATE, 23",
        "HOST_IA32_SYSENTER_CS, 0x4c00, BITS_32, HOST_STATE, 0",
        "CR3_TARGET_VALUE_3, 0x600e, NATURAL, CONTROL, 7",
        "EXIT_QUALIFICATION, 0x6400, NATURAL, EXIT_INFORMATION, 0",
        "GUEST_RIP, 0x681e, NATURAL, GUEST_STATE, 15",
        "HOST_RIP, 0x6c16, NATURAL, HOST_STATE, 11",
    })
    void sampleFieldsReadAsTable24_21Says(String name, String encoding, FieldWidth width, FieldType type, int index) {
        VmcsField f = VmcsField.valueOf(name);
        assertEquals(Integer.decode(encoding), f.encoding);
        assertEquals(width, f.width());
        assertEquals(type, f.type());
        assertEquals(index, f.index());
        assertEquals(FieldAccess.FULL, FieldAccess.ofEncoding(f.encoding));
        assertEquals(type == FieldType.EXIT_INFORMATION, f.readOnly());
    }

    /** Natural-width fields are 64 bits on a processor that supports Intel 64 (SDM 24.11.2). */
    @Test
    void widthsInBits() {
        assertEquals(16, FieldWidth.BITS_16.bits);
        assertEquals(32, FieldWidth.BITS_32.bits);
        assertEquals(64, FieldWidth.BITS_64.bits);
        assertEquals(64, FieldWidth.NATURAL.bits);
        assertEquals(0xffffL, FieldWidth.BITS_16.mask());
        assertEquals(0xffffffffL, FieldWidth.BITS_32.mask());
        assertEquals(-1L, FieldWidth.NATURAL.mask());
    }

    /**
     * The SDM's segment-register fields come in fixed widths (24.4.1): selectors 16-bit, limits and
     * access rights 32-bit, bases natural width; and names say which area a field belongs to.
     */
    @Test
    void namesAgreeWithWidthAndType() {
        for (VmcsField f : ALL) {
            String n = f.name();
            if (n.endsWith("_SELECTOR")) {
                assertEquals(FieldWidth.BITS_16, f.width(), n);
            }
            if (n.endsWith("_LIMIT") || n.endsWith("_ACCESS_RIGHTS")) {
                assertEquals(FieldWidth.BITS_32, f.width(), n);
                assertEquals(FieldType.GUEST_STATE, f.type(), n);
            }
            if (n.matches("(GUEST|HOST)_(ES|CS|SS|DS|FS|GS|LDTR|TR|GDTR|IDTR)_BASE")) {
                assertEquals(FieldWidth.NATURAL, f.width(), n);
            }
            if (n.startsWith("HOST_")) {
                assertEquals(FieldType.HOST_STATE, f.type(), n);
                assertTrue(f.sdmName.startsWith("Host "), n);
            } else if (n.startsWith("GUEST_") && !n.equals("GUEST_PHYSICAL_ADDRESS")
                    && !n.equals("GUEST_LINEAR_ADDRESS")) {
                assertEquals(FieldType.GUEST_STATE, f.type(), n);
            }
            if (n.startsWith("VM_EXIT_") && f.type() != FieldType.CONTROL) {
                assertEquals(FieldType.EXIT_INFORMATION, f.type(), n);
            }
        }
    }

    /** The high access type (encoding + 1) names a 64-bit field and nothing else (SDM 24.11.2). */
    @Test
    void highAccessResolvesOnlyFor64BitFields() {
        for (VmcsField f : ALL) {
            assertSame(f, VmcsField.byEncoding(f.encoding), f.name());
            VmcsField high = VmcsField.byEncoding(f.encoding + 1);
            if (f.width() == FieldWidth.BITS_64) {
                assertSame(f, high, f.name() + " high");
                assertEquals(FieldAccess.HIGH, FieldAccess.ofEncoding(f.encoding + 1));
            } else {
                assertNull(high, f.name() + " has no high access type");
            }
        }
    }

    /** Setting any reserved bit (31:15 or 12) of a field's encoding names no field. */
    @Test
    void reservedEncodingBitsAreRejected() {
        int[] reserved = {12, 15, 16, 17, 20, 24, 30, 31};
        for (VmcsField f : ALL) {
            for (int b : reserved) {
                assertNull(VmcsField.byEncoding(f.encoding | (1 << b)), f.name() + " | bit " + b);
                assertNull(VmcsField.byEncoding((f.encoding | (1L << b)) & 0xffffffffL), f.name() + " | bit " + b);
            }
        }
    }

    /** For any 32-bit value: a field is found only when the reserved bits are 0, and it is the field of that encoding. */
    @Test
    void anyEncodingResolvesConsistently() {
        qt().withExamples(3000).forAll(integers().all()).checkAssert(e -> {
            VmcsField f = VmcsField.byEncoding(e & 0xffffffffL);
            if (f != null) {
                assertEquals(0, e & 0xffff9000, "reserved bits set");
                assertEquals(f.encoding, e & ~1);
                assertEquals((e >>> 1) & 0x1ff, f.index());
            }
        });
        // Dense coverage of the 15 meaningful bits: every encoding reached by a field is one of ours.
        int found = 0;
        for (int e = 0; e < 0x8000; e++) {
            VmcsField f = VmcsField.byEncoding(e);
            if (f != null) {
                found++;
                assertEquals(f.encoding, e & ~1);
            }
        }
        int expected = 0;
        for (VmcsField f : ALL) {
            expected += f.width() == FieldWidth.BITS_64 ? 2 : 1;
        }
        assertEquals(expected, found);
    }

    /** VMWRITE stores only the field's bits (SDM 24.11.2): a Vmcs truncates every value to its width. */
    @Test
    void vmcsTruncatesToTheFieldWidth() {
        qt().withExamples(500).forAll(integers().between(0, ALL.length - 1), longs().all()).checkAssert((i, v) -> {
            Vmcs vmcs = new Vmcs(0x1000);
            VmcsField f = ALL[i];
            vmcs.set(f, v);
            assertEquals(v & f.width().mask(), vmcs.get(f));
        });
    }

    /**
     * IA32_VMX_VMCS_ENUM bits 9:1 report the highest index of any field the processor supports;
     * bits 0 and 63:10 are reserved and 0 (SDM A.9).
     */
    @Test
    void vmcsEnumIsTheHighestIndexOfExistingFields() {
        CpuidModel cpu = CpuidModel.skylake();
        for (boolean ept : new boolean[] {false, true}) {
            for (boolean vpid : new boolean[] {false, true}) {
                VmxCapabilities caps = VmxCapabilities.of(cpu, ept, vpid);
                int highest = -1;
                for (VmcsField f : ALL) {
                    if (caps.fieldExists(f)) {
                        highest = Math.max(highest, f.index());
                    }
                }
                assertTrue(highest > 0);
                assertEquals(0, caps.vmcsEnum & ~0x3feL, "reserved bits of VMCS_ENUM");
                assertEquals(highest, (int) (caps.vmcsEnum >>> 1) & 0x1ff, "ept=" + ept + " vpid=" + vpid);
                assertEquals(caps.vmcsEnum, caps.msr(VmxCapabilities.IA32_VMX_VMCS_ENUM));
            }
        }
    }
}
