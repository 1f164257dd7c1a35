package org.vtsim.monitor;

import java.util.function.IntPredicate;
import org.vtsim.monitor.stats.ExitSink;

/**
 * How the monitor presents itself to a guest.
 *
 * @param cpuid what CPUID answers (null: the model CPU's without VMX)
 * @param exceptionBitmap exceptions that exit (SDM 24.6.3); the handler reflects them into the guest
 * @param inKernelPort I/O ports served by devices the monitor keeps "in the kernel" (charged
 *     {@code MONITOR_IO_IN_KERNEL}); the rest are charged as exits to user space
 * @param trace receives every completed exit (a Chrome trace writer), or null
 * @param shadowPaging memory virtualization by shadow page tables (EPT off) instead of EPT
 * @param hostLargePages 2 MiB host mappings where the slot allows (EPT large pages; shadow 2 MiB leaves);
 *     false: 4 KiB only
 */
public record VmConfig(GuestCpuid cpuid, int exceptionBitmap, IntPredicate inKernelPort, ExitSink trace,
        boolean shadowPaging, boolean hostLargePages) {
    /**
     * KVM's split: the 8259 PICs, the 8254 PIT and its port B live in the kernel (KVM_CREATE_IRQCHIP,
     * KVM_CREATE_PIT2); vtsim adds the POST-code port 0x80 so that the exit microbenchmark has an
     * in-monitor device. UART, RTC, fw_cfg and the debug exit are user-space devices, as in QEMU.
     */
    public static boolean defaultInKernelPort(int port) {
        return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 || (port >= 0x40 && port <= 0x43)
                || port == 0x61 || port == 0x80;
    }

    public static VmConfig defaults() {
        return new VmConfig(null, 0, VmConfig::defaultInKernelPort, null, false, true);
    }

    public VmConfig withTrace(ExitSink sink) {
        return new VmConfig(cpuid, exceptionBitmap, inKernelPort, sink, shadowPaging, hostLargePages);
    }

    public VmConfig withExceptionBitmap(int bitmap) {
        return new VmConfig(cpuid, bitmap, inKernelPort, trace, shadowPaging, hostLargePages);
    }

    public VmConfig withShadowPaging(boolean on) {
        return new VmConfig(cpuid, exceptionBitmap, inKernelPort, trace, on, hostLargePages);
    }

    public VmConfig withHostLargePages(boolean on) {
        return new VmConfig(cpuid, exceptionBitmap, inKernelPort, trace, shadowPaging, on);
    }
}
