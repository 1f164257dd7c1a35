package org.vtsim.tools;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.VmInstructionError;
import org.vtsim.vmx.exit.ExitQualification;
import org.vtsim.vmx.exit.ExitReasonField;
import org.vtsim.vmx.exit.InstructionInformation;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.vmcs.VmcsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vtsim vmcs decode KIND VALUE}: explains one exit-information value with the codecs of
 * {@code org.vtsim.vmx.exit} (SDM Vol. 3C 24.9, 27.2).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Explain a VM-exit information value. KIND is one of:",
            "  exit-reason        the exit-reason field (SDM 24.9.1, Appendix C)",
            "  qualification      an exit qualification (SDM 27.2.1); needs --reason",
            "  instruction-info   VM-exit instruction information (SDM 27.2.5); needs --reason",
            "  interruption-info  interruption information (SDM 24.8.3, 24.9.2, 24.9.3); --field picks which",
            "  vm-instruction-error  a VM-instruction error number (SDM 31.4)",
            "VALUE is hex (0x...) or decimal."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:decoded", "2:unknown KIND, bad VALUE or --reason, or a reason without such a field"})
final class VmcsDecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND",
            description = "exit-reason, qualification, instruction-info, interruption-info, vm-instruction-error")
    String kind;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The field value, hex (0x...) or decimal.")
    String value;

    @Option(names = "--reason", paramLabel = "N",
            description = "Basic exit reason (number, or name as in ExitReason, e.g. IO_INSTRUCTION).")
    String reason;

    @Option(names = "--field", paramLabel = "entry|exit|idt",
            description = "For interruption-info: VM-entry interruption information, VM-exit interruption "
                    + "information or IDT-vectoring information. Default: unknown origin.")
    String field;

    @Option(names = "--interruption-info", paramLabel = "VALUE",
            description = "For qualification with reason 0: the VM-exit interruption information (#DB and #PF "
                    + "qualifications differ).")
    String interruptionInfo;

    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        String text;
        try {
            text = decode();
        } catch (Bad e) {
            spec.commandLine().getErr().println("vtsim: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(text);
        out.flush();
        return ExitStatus.OK;
    }

    private String decode() throws Bad {
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "exit-reason":
                return ExitReasonField.describe(number(value, 32, "VALUE"));
            case "qualification": {
                ExitReason r = reason();
                long info = interruptionInfo == null ? 0 : number(interruptionInfo, 32, "--interruption-info");
                return ExitQualification.describe(r, number(value, 64, "VALUE"), info);
            }
            case "instruction-info": {
                ExitReason r = reason();
                if (InstructionInformation.Layout.of(r) == null) {
                    throw new Bad("exit reason " + r.number + " (" + r.sdmName
                            + ") saves no VM-exit instruction information (SDM 27.2.5)");
                }
                return InstructionInformation.describe(r, number(value, 32, "VALUE"));
            }
            case "interruption-info":
                return InterruptionInformation.describe(interruptionField(), number(value, 32, "VALUE"));
            case "vm-instruction-error": {
                long n = number(value, 32, "VALUE");
                VmInstructionError e = VmInstructionError.byNumber((int) n);
                if (e == null) {
                    throw new Bad("VM-instruction error " + n + " is not defined in SDM 31.4");
                }
                return e.number + " " + e.sdmText;
            }
            default:
                throw new Bad("unknown KIND '" + kind
                        + "' (exit-reason, qualification, instruction-info, interruption-info, vm-instruction-error)");
        }
    }

    private ExitReason reason() throws Bad {
        if (reason == null) {
            throw new Bad(kind + " needs --reason N (the basic exit reason the value came with)");
        }
        ExitReason r;
        if (!reason.isEmpty() && Character.isLetter(reason.charAt(0)) && !reason.startsWith("0x")) {
            try {
                r = ExitReason.valueOf(reason.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Bad("--reason: unknown exit reason name '" + reason + "'");
            }
        } else {
            long n = number(reason, 16, "--reason");
            r = ExitReason.byNumber((int) n);
            if (r == null) {
                throw new Bad("--reason: " + n + " is not a basic exit reason of SDM Appendix C");
            }
        }
        return r;
    }

    private InterruptionInformation.Field interruptionField() throws Bad {
        if (field == null) {
            return null;
        }
        return switch (field.toLowerCase(Locale.ROOT)) {
            case "entry" -> InterruptionInformation.Field.VM_ENTRY_INTERRUPTION_INFORMATION;
            case "exit" -> InterruptionInformation.Field.VM_EXIT_INTERRUPTION_INFORMATION;
            case "idt" -> InterruptionInformation.Field.IDT_VECTORING_INFORMATION;
            default -> throw new Bad("--field: '" + field + "' is not entry, exit or idt");
        };
    }

    private static long number(String text, int bits, String what) throws Bad {
        VmcsJson.Result r = VmcsJson.parseNumber(text, bits, what);
        if (!r.isOk()) {
            throw new Bad(r.error());
        }
        return r.value();
    }
}
