package org.vtsim.monitor;

/**
 * A VMX control word from what the monitor wants and what the capability MSR allows: {@code (wanted
 * | allowed-0) & allowed-1} (SDM Vol. 3C A.3.1, 31.5.1), failing loudly when a control the monitor
 * cannot do without is not allowed.
 */
public final class Controls {
    private Controls() {
    }

    /**
     * @param capability the (TRUE_) capability MSR: allowed-0 in bits 31:0, allowed-1 in bits 63:32
     * @param wanted controls the monitor would like
     * @param needed the subset of {@code wanted} it cannot run without
     * @throws IllegalStateException naming the missing controls
     */
    public static int adjust(String name, long capability, int wanted, int needed) {
        int allowed0 = (int) capability;
        int allowed1 = (int) (capability >>> 32);
        int value = (wanted | allowed0) & allowed1;
        if ((value & needed) != needed) {
            throw new IllegalStateException("unsupported: the model CPU does not allow the " + name
                    + " control bits 0x" + Integer.toHexString(needed & ~value) + " the monitor needs");
        }
        return value;
    }
}
