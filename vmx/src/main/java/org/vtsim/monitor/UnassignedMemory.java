package org.vtsim.monitor;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Guest-physical addresses that no memory slot and no device claims, with the behaviour of a PC's
 * unassigned memory (QEMU's unassigned_mem_ops, and what vtsim's native platform does): reads return all
 * ones (nothing drives the bus), writes are dropped. The monitor emulates the instruction that reached
 * such an address ({@link InstructionEmulator}) with this as its target, and counts the accesses; host
 * memory is never touched, so the guest still cannot reach memory its slots do not give it. An
 * instruction fetch from here is refused ({@link EptViolationExit}).
 */
public final class UnassignedMemory implements EmulatedTarget {
    /**
     * One per vCPU. The counters belong with the VM's other memory counters ({@code Vm.memoryCounters});
     * until the VM holds this object itself it is found by vCPU here.
     */
    private static final Map<Vcpu, UnassignedMemory> BY_VCPU = new WeakHashMap<>();

    private long reads;
    private long writes;
    private long lastAddress = -1;

    private UnassignedMemory() {
    }

    /** The vCPU's unassigned-memory target (and its counters). */
    public static synchronized UnassignedMemory of(Vcpu vcpu) {
        return BY_VCPU.computeIfAbsent(vcpu, k -> new UnassignedMemory());
    }

    @Override
    public long read(long gpa, int size) {
        reads++;
        lastAddress = gpa;
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }

    @Override
    public void write(long gpa, int size, long value) {
        writes++;
        lastAddress = gpa;
    }

    /** Emulated reads of unassigned guest-physical memory (each returned all ones). */
    public long reads() {
        return reads;
    }

    /** Emulated writes to unassigned guest-physical memory (each dropped). */
    public long writes() {
        return writes;
    }

    /** The guest-physical address of the last access, or -1. */
    public long lastAddress() {
        return lastAddress;
    }

    /** The counters by name, in the style of {@code Vm.memoryCounters()}: {@code unassigned.reads}, {@code .writes}. */
    public Map<String, Long> counters() {
        return Map.of("unassigned.reads", reads, "unassigned.writes", writes);
    }
}
