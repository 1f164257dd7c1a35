package org.vtsim.monitor;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptMemoryType;

/**
 * The guest's memory: its slots and the EPT paging structures that give them to the guest. EPT
 * starts empty; {@link #populate} maps the page around a guest-physical address on the EPT violation
 * its first access causes (as KVM's two-dimensional page faults do), a 2 MiB page where the whole
 * aligned 2 MiB lies in one slot with the same alignment in host memory, else 4 KiB. Nothing outside
 * a slot is ever mapped, so the guest cannot reach host memory the slots do not give it.
 */
public final class GuestMemory {
    private final PhysicalMemory host;
    private final List<MemorySlot> slots;
    private final EptBuilder ept;
    private boolean largePages = true;
    private long populated4k;
    private long populated2m;

    /**
     * @param tableArea host-physical area for the EPT tables (monitor-owned, outside every slot)
     */
    public GuestMemory(PhysicalMemory host, List<MemorySlot> slots, long tableArea, long tableAreaSize) {
        this.host = host;
        this.slots = List.copyOf(slots);
        for (int i = 0; i < this.slots.size(); i++) {
            MemorySlot a = this.slots.get(i);
            if (a.hostEnd() > host.size()) {
                throw new IllegalArgumentException("memory slot " + a + " lies beyond host memory");
            }
            if (overlaps(tableArea, tableArea + tableAreaSize, a.hostPhysical(), a.hostEnd())) {
                throw new IllegalArgumentException("memory slot " + a + " overlaps the EPT table area");
            }
            for (int j = 0; j < i; j++) {
                MemorySlot b = this.slots.get(j);
                if (overlaps(a.guestPhysical(), a.guestEnd(), b.guestPhysical(), b.guestEnd())
                        || overlaps(a.hostPhysical(), a.hostEnd(), b.hostPhysical(), b.hostEnd())) {
                    throw new IllegalArgumentException("memory slots overlap: " + a + " and " + b);
                }
            }
        }
        this.ept = new EptBuilder(host, 4, tableArea, tableAreaSize);
    }

    private static boolean overlaps(long a0, long a1, long b0, long b1) {
        return a0 < b1 && b0 < a1;
    }

    public List<MemorySlot> slots() {
        return slots;
    }

    /** The slot holding {@code gpa}, or null. */
    public MemorySlot slotOf(long gpa) {
        for (MemorySlot s : slots) {
            if (s.contains(gpa)) {
                return s;
            }
        }
        return null;
    }

    /** The host-physical address backing {@code gpa}, or -1 outside every slot. */
    public long toHost(long gpa) {
        MemorySlot s = slotOf(gpa);
        return s == null ? -1 : s.toHost(gpa);
    }

    /** Whether {@link #populate} may map 2 MiB pages (false: 4 KiB only, for the page-size studies). */
    public void setLargePages(boolean on) {
        largePages = on;
    }

    /** EPTP for VM entry: 4-level, write-back, accessed/dirty flags off (SDM 24.6.11). */
    public long eptp() {
        return ept.eptp(EptMemoryType.WB, false);
    }

    /**
     * Maps the page containing {@code gpa} (read/write/execute, write-back); returns false if
     * {@code gpa} is in no slot (the access is refused).
     */
    public boolean populate(long gpa) {
        MemorySlot s = slotOf(gpa);
        if (s == null) {
            return false;
        }
        long big = gpa & ~((1L << 21) - 1);
        long hpa = s.toHost(big);
        // Whether a range can take a 2 MiB page depends only on the slot, so one range never gets
        // both kinds of leaf (EptBuilder refuses to split a large page).
        if (largePages && big >= s.guestPhysical() && big + (1L << 21) <= s.guestEnd() && (hpa & ((1L << 21) - 1)) == 0) {
            ept.map(big, hpa, 21, EptBuilder.RWX_WB);
            populated2m++;
        } else {
            long page = gpa & ~0xfffL;
            ept.map(page, s.toHost(page), 12, EptBuilder.RWX_WB);
            populated4k++;
        }
        return true;
    }

    public long populatedPages4k() {
        return populated4k;
    }

    public long populatedPages2m() {
        return populated2m;
    }

    /** Host memory used by EPT paging structures. */
    public long eptTableBytes() {
        return ept.tableBytes();
    }

    PhysicalMemory host() {
        return host;
    }
}
