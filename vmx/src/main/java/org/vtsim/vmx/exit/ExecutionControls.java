package org.vtsim.vmx.exit;

import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;

/** How the processor reads the processor-based VM-execution controls in VMX non-root operation. */
final class ExecutionControls {
    private ExecutionControls() {
    }

    /**
     * The secondary controls in force: if "activate secondary controls" (primary bit 31) is 0 the logical
     * processor operates as if all secondary controls were 0 (SDM Vol. 3C 24.6.2).
     */
    static int secondary(int primary, int secondary) {
        return (primary & PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS) != 0 ? secondary : 0;
    }
}
