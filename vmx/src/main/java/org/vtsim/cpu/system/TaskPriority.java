package org.vtsim.cpu.system;

/**
 * The link between CR8 and the local APIC's task-priority register (SDM Vol. 3A 10.8.6.1: CR8[3:0]
 * is TPR[7:4]; writing CR8 writes TPR with bits 3:0 cleared, reading CR8 reads TPR[7:4]).
 * Implemented by whoever wires the APIC to the core.
 */
public interface TaskPriority {
    /** TPR[7:4]. */
    int priorityClass();

    /** Sets TPR to {@code priorityClass << 4}. */
    void setPriorityClass(int priorityClass);
}
