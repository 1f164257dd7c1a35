package org.vtsim.vmx.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;

/**
 * Cross-check of {@link ExitReason} (SDM Vol. 3C Appendix C) against Linux's
 * {@code EXIT_REASON_*} numbers (uapi/asm/vmx.h, test resource vmx-exit-reasons.csv).
 */
class ExitReasonLinuxCrossCheckTest {
    /**
     * Linux names that differ from ours (ours follow the SDM's wording in Table C-1). Only
     * differing names are listed; {@link #everyMapEntryIsNeeded} keeps the map honest.
     */
    static final Map<String, String> LINUX_TO_OURS = Map.ofEntries(
            Map.entry("EXCEPTION_NMI", "EXCEPTION_OR_NMI"),
            Map.entry("SIPI_SIGNAL", "START_UP_IPI"),
            Map.entry("CR_ACCESS", "CONTROL_REGISTER_ACCESSES"),
            Map.entry("DR_ACCESS", "MOV_DR"),
            Map.entry("MSR_READ", "RDMSR"),
            Map.entry("MSR_WRITE", "WRMSR"),
            Map.entry("INVALID_GUEST_STATE", "ENTRY_FAILURE_INVALID_GUEST_STATE"),
            Map.entry("MSR_LOADING", "ENTRY_FAILURE_MSR_LOADING"),
            Map.entry("MWAIT_INSTRUCTION", "MWAIT"),
            Map.entry("MONITOR_INSTRUCTION", "MONITOR"),
            Map.entry("PAUSE_INSTRUCTION", "PAUSE"),
            Map.entry("MCE_DURING_VMENTRY", "ENTRY_FAILURE_MACHINE_CHECK"),
            Map.entry("EOI_INDUCED", "VIRTUALIZED_EOI"),
            Map.entry("GDTR_IDTR", "ACCESS_TO_GDTR_OR_IDTR"),
            Map.entry("LDTR_TR", "ACCESS_TO_LDTR_OR_TR"),
            Map.entry("EPT_MISCONFIG", "EPT_MISCONFIGURATION"),
            Map.entry("PREEMPTION_TIMER", "VMX_PREEMPTION_TIMER_EXPIRED"),
            Map.entry("WBINVD", "WBINVD_OR_WBNOINVD"),
            Map.entry("PML_FULL", "PAGE_MODIFICATION_LOG_FULL"),
            // SDM Table C-1 calls reason 75 "instruction timeout"; Linux names it after the
            // "notify window" control that enables it.
            Map.entry("NOTIFY", "INSTRUCTION_TIMEOUT"),
            Map.entry("MSR_READ_IMM", "RDMSR_IMMEDIATE"),
            Map.entry("MSR_WRITE_IMM", "WRMSR_IMMEDIATE"));

    private static final Map<String, String> LINUX = LinuxTable.read("vmx-exit-reasons.csv");

    @Test
    void everyLinuxExitReasonHasTheSameNumberHere() {
        List<String> wrong = new ArrayList<>();
        LINUX.forEach((number, linuxName) -> {
            String ours = LINUX_TO_OURS.getOrDefault(linuxName, linuxName);
            ExitReason r;
            try {
                r = ExitReason.valueOf(ours);
            } catch (IllegalArgumentException e) {
                wrong.add(linuxName + ": no ExitReason." + ours);
                return;
            }
            int n = Integer.parseInt(number);
            if (r.number != n) {
                wrong.add(linuxName + " is " + n + " in Linux, ExitReason." + ours + " is " + r.number);
            }
            if (ExitReason.byNumber(n) != r) {
                wrong.add("byNumber(" + n + ") is " + ExitReason.byNumber(n) + ", not " + r);
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void everyMapEntryIsNeeded() {
        for (Map.Entry<String, String> e : LINUX_TO_OURS.entrySet()) {
            assertTrue(LINUX.containsValue(e.getKey()), "not a Linux name in the table: " + e.getKey());
            assertThrowsValueOf(e.getKey());
        }
    }

    private static void assertThrowsValueOf(String name) {
        boolean exists = true;
        try {
            ExitReason.valueOf(name);
        } catch (IllegalArgumentException e) {
            exists = false;
        }
        assertTrue(!exists, "the map entry for " + name + " is redundant: ExitReason has that name");
    }

    /**
     * Reasons SDM Appendix C defines that Linux's uapi header does not name. The data README names
     * 5 (I/O SMI), 6 (other SMI), 11 (GETSEC) and 17 (RSM); the others are SGX/PCONFIG/SPP/key-locker
     * /PASID/user-MSR reasons of later processors.
     */
    @Test
    void reasonsTheSdmHasAndLinuxDoesNot() {
        Set<Integer> ours = new TreeSet<>();
        for (ExitReason r : ExitReason.values()) {
            ours.add(r.number);
        }
        for (String n : LINUX.keySet()) {
            ours.remove(Integer.parseInt(n));
        }
        assertEquals(new TreeSet<>(List.of(5, 6, 11, 17, 65, 66, 69, 70, 72, 73, 80, 81)), ours);
        assertEquals(ExitReason.IO_SMI, ExitReason.byNumber(5));
        assertEquals(ExitReason.OTHER_SMI, ExitReason.byNumber(6));
        assertEquals(ExitReason.GETSEC, ExitReason.byNumber(11));
        assertEquals(ExitReason.RSM, ExitReason.byNumber(17));
    }

    /** Numbers Table C-1 has always left unassigned (35, 38, 42) name no reason. */
    @Test
    void unassignedNumbersNameNoReason() {
        for (int n : new int[] {35, 38, 42}) {
            assertNull(ExitReason.byNumber(n), "reason " + n);
        }
    }

    /** byNumber reads bits 15:0 only: the entry-failure bit 31 (SDM 24.9.1) does not change the reason. */
    @Test
    void basicReasonIgnoresTheEntryFailureBit() {
        for (ExitReason r : ExitReason.values()) {
            assertEquals(r, ExitReason.byNumber(r.number | ExitReason.ENTRY_FAILURE_BIT));
        }
        assertNotNull(ExitReason.byNumber(33 | ExitReason.ENTRY_FAILURE_BIT));
        assertEquals(0x80000000, ExitReason.ENTRY_FAILURE_BIT);
    }
}
