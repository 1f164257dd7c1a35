package org.vtsim.monitor.shadow;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the shadow MMU did, for the run summary and the study: the page faults it fixed itself (hidden
 * from the guest) against those it reflected into the guest, guest page-table writes it emulated, leaf
 * tables it let go out of sync and the pages it brought back in sync, the
 * guest pages it stopped write-protecting, CR3 switches and how many found their root cached, shadow
 * pages created, zapped and reclaimed, INVLPGs, and resets; with the monitor cycles charged for each
 * kind of work (the exits themselves are in the exit statistics).
 */
public final class ShadowStats {
    public long shadowFaults;
    public long guestFaults;
    public long emulatedWrites;
    public long unprotectedPages;
    public long cr3Switches;
    public long rootCacheHits;
    public long pagesCreated;
    public long pagesZapped;
    public long pagesReclaimed;
    public long invlpgs;
    public long mmioAccesses;
    public long resets;
    public long unsyncs;
    public long resyncs;
    public long faultCycles;
    public long writeCycles;
    public long cr3Cycles;
    public long pageCycles;
    public long resyncCycles;

    /** Every counter by name, prefixed {@code shadow.}. */
    public Map<String, Long> toMap(int livePages, int maxPages) {
        Map<String, Long> m = new TreeMap<>();
        m.put("shadow.faults", shadowFaults);
        m.put("shadow.guestFaults", guestFaults);
        m.put("shadow.emulatedWrites", emulatedWrites);
        m.put("shadow.unprotectedPages", unprotectedPages);
        m.put("shadow.cr3Switches", cr3Switches);
        m.put("shadow.rootCacheHits", rootCacheHits);
        m.put("shadow.pagesCreated", pagesCreated);
        m.put("shadow.pagesZapped", pagesZapped);
        m.put("shadow.pagesReclaimed", pagesReclaimed);
        m.put("shadow.invlpg", invlpgs);
        m.put("shadow.mmio", mmioAccesses);
        m.put("shadow.resets", resets);
        m.put("shadow.unsyncs", unsyncs);
        m.put("shadow.resyncs", resyncs);
        m.put("shadow.livePages", (long) livePages);
        m.put("shadow.maxPages", (long) maxPages);
        m.put("shadow.faultCycles", faultCycles);
        m.put("shadow.writeCycles", writeCycles);
        m.put("shadow.cr3Cycles", cr3Cycles);
        m.put("shadow.pageCycles", pageCycles);
        m.put("shadow.resyncCycles", resyncCycles);
        return m;
    }
}
