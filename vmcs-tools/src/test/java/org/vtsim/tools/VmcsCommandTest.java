package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.ept.SparseMemory;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.entry.EntryCheckFailure;
import org.vtsim.vmx.entry.VmEntryChecks;
import org.vtsim.vmx.exit.ExitQualification;
import org.vtsim.vmx.exit.ExitReasonField;
import org.vtsim.vmx.exit.InstructionInformation;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;
import org.vtsim.vmx.vmcs.VmcsJson;

class VmcsCommandTest {
    private static final VmxCapabilities PLAIN = VmxCapabilities.skylake(CpuidModel.skylake());

    @TempDir
    Path dir;

    /** The outcome of one command line. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Nonsense input: status 2, one line on stderr naming the problem, no stack trace, nothing on stdout. */
    static void assertOneLineError(Run r, String expected) {
        assertEquals(ExitStatus.USAGE, r.status, r.err);
        assertTrue(r.err.startsWith("vtsim: "), r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        assertTrue(r.err.contains(expected), r.err);
        assertFalse(r.err.contains("\tat "), r.err);
        assertEquals("", r.out);
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    // ---- fields ----

    @Test
    void fieldsListsEveryFieldOfTheModelCpuWithItsDerivedProperties() {
        for (boolean all : new boolean[] {false, true}) {
            Run r = all ? run("vmcs", "fields", "--all") : run("vmcs", "fields");
            assertEquals(ExitStatus.OK, r.status);
            List<String> lines = r.out.lines().toList();
            assertTrue(lines.get(0).startsWith("NAME "));
            Set<String> seen = new HashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cols = line.split("\\s+");
                VmcsField f = VmcsField.valueOf(cols[0]);
                assertTrue(seen.add(f.name()), "listed twice: " + f);
                assertEquals(String.format("0x%04x", f.encoding), cols[1]);
                assertEquals(VmcsFieldsCommand.width(f.width()), cols[2]);
                assertTrue(line.contains("  " + f.type().description + "  "), line);
                assertTrue(line.contains(f.sdmName), line);
                assertEquals(!PLAIN.fieldExists(f), line.contains("[absent: needs " + f.feature + "]"), line);
            }
            int expected = 0;
            for (VmcsField f : VmcsField.values()) {
                expected += all || PLAIN.fieldExists(f) ? 1 : 0;
            }
            assertEquals(expected, seen.size());
        }
    }

    @Test
    void fieldsFollowTheModelCpuOptions() {
        assertTrue(run("vmcs", "fields").out.contains("\nEPT_POINTER "), "the default model CPU has EPT");
        assertFalse(run("vmcs", "fields", "--no-ept").out.contains("\nEPT_POINTER "));
        assertTrue(run("vmcs", "fields", "--no-ept").out.contains("\nVIRTUAL_PROCESSOR_IDENTIFIER "));
        assertFalse(run("vmcs", "fields", "--no-vpid").out.contains("\nVIRTUAL_PROCESSOR_IDENTIFIER "));
        assertTrue(run("vmcs", "fields").out.contains("0x2010    64-bit   control         full+high"));
    }

    // ---- dump ----

    @Test
    void dumpPrintsTheVmcsGroupedAsTheSdm() throws IOException {
        Path p = file("v.json", "{\"fields\": {\"GUEST_RIP\": \"0x1000\", \"EXIT_REASON\": 30,"
                + " \"EXIT_QUALIFICATION\": \"0x3f80008\"}, \"launched\": true}");
        Run r = run("vmcs", "dump", p.toString());
        assertEquals(ExitStatus.OK, r.status, r.err);
        assertTrue(r.out.startsWith("VMCS at 0x0, launch state launched\n"), r.out);
        assertTrue(r.out.indexOf("Guest-state area (SDM 24.4)") < r.out.indexOf("GUEST_RIP"));
        assertTrue(r.out.contains(ExitQualification.describe(ExitReason.IO_INSTRUCTION, 0x3f80008L, 0)), r.out);
        Run nz = run("vmcs", "dump", "--nonzero", p.toString());
        assertTrue(nz.out.length() < r.out.length());
        assertFalse(nz.out.contains("GUEST_CR0"));
    }

    @Test
    void dumpRejectsNonsenseWithOneLine() throws IOException {
        assertOneLineError(run("vmcs", "dump", dir.resolve("missing.json").toString()), "missing.json: no such file");
        assertOneLineError(run("vmcs", "dump", file("a.json", "{\"fields\": {\"GUEST_RIP\": 1,\n}}").toString()),
                "a.json: line 2, column 1: expected a member name");
        assertOneLineError(run("vmcs", "dump", file("b.json", "{\"fields\": {\"GUEST_PIR\": 1}}").toString()),
                "line 1, column 13: unknown VMCS field \"GUEST_PIR\"");
        assertOneLineError(run("vmcs", "dump", file("c.json", "{\"fields\": {\"GUEST_CS_SELECTOR\": \"0x1ffff\"}}")
                .toString()), "does not fit in 16 bits");
        assertOneLineError(run("vmcs", "dump", file("d.json", "").toString()), "unexpected end of input");
        assertOneLineError(run("vmcs", "dump", dir.toString()), "cannot read");
    }

    // ---- decode ----

    @Test
    void decodeUsesTheExitCodecs() {
        assertDecoded(ExitReasonField.describe(0x80000021L), "exit-reason", "0x80000021");
        assertDecoded(ExitQualification.describe(ExitReason.CONTROL_REGISTER_ACCESSES, 0x103, 0),
                "qualification", "0x103", "--reason", "28");
        assertDecoded(ExitQualification.describe(ExitReason.CONTROL_REGISTER_ACCESSES, 0x103, 0),
                "qualification", "259", "--reason", "CONTROL_REGISTER_ACCESSES");
        assertDecoded(ExitQualification.describe(ExitReason.EXCEPTION_OR_NMI, 0x4000, 0x80000301L),
                "qualification", "0x4000", "--reason", "0", "--interruption-info", "0x80000301");
        assertDecoded(InstructionInformation.describe(ExitReason.VMREAD, 0x10000400L),
                "instruction-info", "0x10000400", "--reason", "23");
        assertDecoded(InterruptionInformation.describe(InterruptionInformation.Field.IDT_VECTORING_INFORMATION,
                0x80000b0eL), "interruption-info", "0x80000b0e", "--field", "idt");
        assertDecoded(InterruptionInformation.describe(null, 0x80000b0eL), "interruption-info", "0x80000b0e");
        assertDecoded("7 VM entry with invalid control field(s)", "vm-instruction-error", "7");
    }

    private static void assertDecoded(String expected, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "vmcs";
        full[1] = "decode";
        System.arraycopy(args, 0, full, 2, args.length);
        Run r = run(full);
        assertEquals(ExitStatus.OK, r.status, r.err);
        assertEquals(expected + "\n", r.out);
    }

    @Test
    void decodeRejectsNonsenseWithOneLine() {
        assertOneLineError(run("vmcs", "decode", "frobnicate", "1"), "unknown KIND 'frobnicate'");
        assertOneLineError(run("vmcs", "decode", "exit-reason", "0xgg"), "VALUE: not a number");
        assertOneLineError(run("vmcs", "decode", "exit-reason", "0x100000000"), "does not fit in 32 bits");
        assertOneLineError(run("vmcs", "decode", "qualification", "1"), "needs --reason");
        assertOneLineError(run("vmcs", "decode", "qualification", "1", "--reason", "35"),
                "35 is not a basic exit reason");
        assertOneLineError(run("vmcs", "decode", "qualification", "1", "--reason", "NOPE"), "unknown exit reason name");
        assertOneLineError(run("vmcs", "decode", "instruction-info", "1", "--reason", "10"),
                "saves no VM-exit instruction information");
        assertOneLineError(run("vmcs", "decode", "interruption-info", "1", "--field", "sideways"),
                "not entry, exit or idt");
        assertOneLineError(run("vmcs", "decode", "vm-instruction-error", "14"), "not defined in SDM 31.4");
    }

    // ---- check ----

    /**
     * The explainer reports exactly what {@link VmEntryChecks#checkAll} finds: status 0 with none, 14 with
     * some (each with its SDM section and rule), 12 while the checks are not implemented.
     */
    @Test
    void checkExplainsEveryFailedEntryCheck() throws IOException {
        Vmcs empty = new Vmcs(0);
        Vmcs plausible = new Vmcs(0);
        plausible.set(VmcsField.PIN_BASED_VM_EXECUTION_CONTROLS, 0x16);
        plausible.set(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 0x0401e172 & ~(3 << 15));
        plausible.set(VmcsField.PRIMARY_VM_EXIT_CONTROLS, 0x36dfb | (1 << 9));
        plausible.set(VmcsField.VM_ENTRY_CONTROLS, 0x11fb);
        plausible.set(VmcsField.VMCS_LINK_POINTER, -1L);
        for (Vmcs v : List.of(empty, plausible)) {
            Path p = file("check.json", VmcsJson.write(v));
            Run r = run("vmcs", "check", p.toString());
            List<EntryCheckFailure> expected;
            try {
                expected = new VmEntryChecks(PLAIN).checkAll(v, new SparseMemory());
            } catch (UnsupportedOperationException e) {
                assertEquals(ExitStatus.UNSUPPORTED, r.status, r.err);
                assertTrue(r.err.contains("unsupported"), r.err);
                assertEquals(1, r.err.strip().lines().count(), r.err);
                continue;
            }
            if (expected.isEmpty()) {
                assertEquals(ExitStatus.OK, r.status, r.out + r.err);
                assertTrue(r.out.contains("every VM-entry check passes"), r.out);
            } else {
                assertEquals(ExitStatus.ENTRY_CHECKS_FAILED, r.status, r.out + r.err);
                for (EntryCheckFailure f : expected) {
                    assertTrue(r.out.contains("SDM " + f.sdmSection() + ": " + f.rule()), r.out);
                    assertTrue(r.out.contains(f.kind().report), r.out);
                }
            }
        }
        assertEquals(0, ExitStatus.ENTRY_CHECKS_FAILED % 2, "vtsim's own statuses are even");
    }

    private Path validVmcs() throws IOException {
        try (var in = VmcsCommandTest.class.getResourceAsStream("vmcs-valid-long-mode.json")) {
            return file("valid.json", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** A hand-written 64-bit guest / 64-bit host VMCS that passes every check (the doc's example). */
    @Test
    void aValidVmcsPassesEveryCheck() throws IOException {
        Run r = run("vmcs", "check", validVmcs().toString());
        assertEquals(ExitStatus.OK, r.status, r.out + r.err);
        assertTrue(r.out.contains("every VM-entry check passes"), r.out);
    }

    /**
     * One rule broken at a time in the valid VMCS: the explainer names that rule's SDM section and
     * reports it as the SDM says (26.2 failures are VMfailValid 7/8, 26.3 failures exit with reason 33).
     */
    @Test
    void aBrokenRuleIsExplainedWithItsSection() throws IOException {
        String valid = Files.readString(validVmcs());
        record Break(String field, String value, String section, String report) {
        }
        for (Break b : List.of(
                new Break("PIN_BASED_VM_EXECUTION_CONTROLS", "0x6", "26.2.1.1", "VMfailValid(7)"),
                new Break("HOST_CS_SELECTOR", "0x0", "26.2.3", "VMfailValid(8)"),
                new Break("HOST_CR4", "0x2000", "26.2.4", "VMfailValid(8)"),
                new Break("GUEST_RFLAGS", "0x0", "26.3.1.4", "VM-entry failure, exit reason 33"),
                new Break("VMCS_LINK_POINTER", "0x5000", "26.3.1.5", "VM-entry failure, exit reason 33"))) {
            String broken = valid.replaceFirst("\"" + b.field + "\": \"[^\"]*\"",
                    "\"" + b.field + "\": \"" + b.value + "\"");
            assertTrue(!broken.equals(valid), b.field);
            Path p = file("broken.json", broken);
            Run r = run("vmcs", "check", p.toString());
            assertEquals(ExitStatus.ENTRY_CHECKS_FAILED, r.status, b + "\n" + r.out + r.err);
            assertTrue(r.out.contains("  SDM " + b.section + ": "), b + "\n" + r.out);
            assertTrue(r.out.contains("reported as " + b.report), b + "\n" + r.out);
            List<EntryCheckFailure> expected = new VmEntryChecks(PLAIN).checkAll(VmcsJson.read(broken),
                    new SparseMemory());
            assertTrue(r.out.startsWith(p + ": " + expected.size() + " VM-entry check"), r.out);
        }
    }

    /** 26.2.4: with a 32-bit VMM, "host address-space size" must be 0; the valid (64-bit host) VMCS fails. */
    @Test
    void theVmmModeChangesTheHostChecks() throws IOException {
        Run r = run("vmcs", "check", "--vmm-32bit", validVmcs().toString());
        assertEquals(ExitStatus.ENTRY_CHECKS_FAILED, r.status, r.out + r.err);
        assertTrue(r.out.contains("SDM 26.2.4"), r.out);
        assertTrue(r.out.contains("32-bit VMM"), r.out);
    }

    @Test
    void checkRejectsNonsenseWithOneLine() throws IOException {
        assertOneLineError(run("vmcs", "check", dir.resolve("nope.json").toString()), "no such file");
        assertOneLineError(run("vmcs", "check", file("e.json", "{\"fields\": {\"GUEST_RIP\": \"12x\"}}").toString()),
                "GUEST_RIP: not a number");
    }

    @Test
    void checkReportListsEachFailureWithItsReport() {
        EntryCheckFailure a = new EntryCheckFailure(EntryCheckFailure.Kind.INVALID_CONTROL_FIELDS, 0, "26.2.1.1",
                "rule A");
        EntryCheckFailure b = new EntryCheckFailure(EntryCheckFailure.Kind.INVALID_GUEST_STATE, 4, "26.3.1.5",
                "rule B");
        String text = VmcsCheckCommand.report("f.json", "cpu", List.of(a, b));
        assertTrue(text.startsWith("f.json: 2 VM-entry checks fail (cpu)\n"), text);
        assertTrue(text.contains("  SDM 26.2.1.1: rule A\n      reported as VMfailValid(7)\n"), text);
        assertTrue(text.contains("  SDM 26.3.1.5: rule B\n      reported as VM-entry failure, exit reason 33, "
                + "exit qualification 4\n"), text);
        assertTrue(text.endsWith("would report the first: VMfailValid(7)\n"), text);
        assertTrue(VmcsCheckCommand.report("f.json", "cpu", List.of()).contains("every VM-entry check passes"));
    }

    // ---- capabilities, structure ----

    @Test
    void capabilitiesPrintsEveryCapabilityMsrOfTheModelCpu() {
        for (boolean ept : new boolean[] {false, true}) {
            Run r = ept ? run("vmcs", "capabilities") : run("vmcs", "capabilities", "--no-ept", "--no-vpid");
            assertEquals(ExitStatus.OK, r.status, r.err);
            VmxCapabilities caps = VmxCapabilities.of(CpuidModel.skylake(), ept, ept);
            for (int msr = VmxCapabilities.IA32_VMX_BASIC; msr <= VmxCapabilities.IA32_VMX_VMFUNC; msr++) {
                String line = String.format("(0x%x, SDM ", msr);
                assertTrue(r.out.contains(line), "MSR " + Integer.toHexString(msr));
                assertTrue(r.out.contains(String.format("= 0x%016x", caps.msr(msr))), "value of " + msr);
            }
            assertTrue(r.out.contains("VMCS revision identifier 0x" + Integer.toHexString(caps.revision())));
            assertEquals(ept, r.out.contains("ENABLE_EPT"), "EPT in the allowed-1 settings");
            assertEquals(ept, r.out.contains("INVEPT_SINGLE_CONTEXT"));
        }
    }

    @Test
    void vmcsWithoutSubcommandIsAUsageError() {
        assertEquals(ExitStatus.USAGE, run("vmcs").status);
        assertEquals(ExitStatus.USAGE, run("vmcs", "dump").status);
        assertEquals(ExitStatus.USAGE, run("vmcs", "decode", "exit-reason").status);
    }
}
