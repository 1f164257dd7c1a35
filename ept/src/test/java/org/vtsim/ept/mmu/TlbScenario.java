package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vtsim.ept.paging.ControlBits.CR3_NO_FLUSH;
import static org.vtsim.ept.paging.ControlBits.CR4_PCIDE;
import static org.vtsim.ept.paging.ControlBits.CR4_PGE;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PageWalker;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.RandomPagingWorld;
import org.vtsim.ept.paging.ReferenceWalkAccess;
import org.vtsim.ept.paging.WalkResult;

/**
 * A random page-table world, a small set of linear pages ("the universe") and a random sequence of
 * what software does with them: translations (random offset and access kind), modifications of
 * paging-structure entries written straight into memory (the MMU does not snoop, as real TLBs do
 * not), INVLPG, MOV to CR3 (with and without the PCID no-flush bit), CR4.PGE toggles and INVPCID of
 * each type. Generated from a seed; the ops are fixed up front, so the same sequence can be run on
 * several MMUs. A {@link Run} applies the ops and mirrors the architectural state (CR3, CR4, PDPTE
 * registers) outside the MMU, for the oracle.
 */
final class TlbScenario {
    enum Kind { TRANSLATE, MODIFY, INVLPG, MOV_CR3, TOGGLE_PGE, INVPCID }

    /**
     * One operation. {@code page}: index into the universe; {@code offset}: low bits added to it;
     * {@code value}: CR3 root for MOV_CR3, mutation seed for MODIFY (with {@code type} choosing the
     * entry along the page's walk); {@code type}: INVPCID type.
     */
    record Op(Kind kind, int page, long offset, int access, long value, int type, int pcid, boolean noFlush) {
        @Override
        public String toString() {
            return switch (kind) {
                case TRANSLATE -> "translate(p" + page + "+" + Long.toHexString(offset) + ", " + Access.describe(access) + ")";
                case MODIFY -> "modify(p" + page + " entry " + type + ")";
                case INVLPG -> "invlpg(p" + page + ")";
                case MOV_CR3 -> "mov cr3(" + Long.toHexString(value) + " pcid " + pcid + (noFlush ? " no-flush)" : ")");
                case TOGGLE_PGE -> "toggle CR4.PGE";
                case INVPCID -> "invpcid(type " + type + ", pcid " + pcid + ", p" + page + ")";
            };
        }
    }

    final long seed;
    final RandomPagingWorld world;
    final MmuConfig config;
    /** Universe pages: 4 KiB-aligned linear addresses as software passes them (canonical in IA-32e). */
    final long[] pages;
    final List<Op> ops;

    private TlbScenario(long seed, RandomPagingWorld world, MmuConfig config, long[] pages, List<Op> ops) {
        this.seed = seed;
        this.world = world;
        this.config = config;
        this.pages = pages;
        this.ops = ops;
    }

    static TlbScenario generate(long seed, PagingMode mode, int steps) {
        RandomPagingWorld w = new RandomPagingWorld(seed, mode);
        Random r = new Random(seed * 0x9e3779b97f4a7c15L + 11);
        MmuConfig cfg = r.nextInt(4) == 0 ? MmuConfig.skylake().withMaxPhyAddr(w.maxPhy).withGbPages(w.gbPages)
                : MmuAgreesWithReferenceTest.tinyConfig(r, w.maxPhy, w.gbPages);
        // Mostly pages that translate (found with a walk on a scratch copy), plus near neighbours
        // sharing upper-level entries, plus a few random ones.
        List<Long> bases = new ArrayList<>();
        PageWalker probe = new PageWalker(w.newMemory());
        WalkResult pr = new WalkResult();
        PagingContext pctx = w.context();
        for (int tries = 0; tries < 300 && bases.size() < 4; tries++) {
            long la = w.randomLinear(r);
            if (probe.walk(pctx, la, Access.READ | Access.AC, pr, null)) {
                bases.add(la & ~0xfffL);
            }
        }
        while (bases.size() < 4) {
            bases.add(w.randomLinear(r) & ~0xfffL);
        }
        List<Long> universe = new ArrayList<>(bases);
        for (long b : bases) {
            universe.add(b ^ 0x1000L);
            universe.add(b ^ ((long) (1 + r.nextInt(511)) << 12));
        }
        universe.add(w.randomLinear(r) & ~0xfffL);
        long[] pages = universe.stream().distinct().mapToLong(Long::longValue).toArray();

        boolean pcide = (w.cr4 & CR4_PCIDE) != 0;
        int firstPcid = pcide ? (int) (w.cr3 & 0xfff) : 0;
        int[] pcids = pcide ? new int[] {firstPcid, 1, 2, 3} : new int[] {0};
        long firstRoot = pcide ? w.cr3 & ~0xfffL : w.cr3;
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int k = r.nextInt(100);
            // Mostly the pages found to translate, so that TLB hits (and stale ones) are common.
            int page = r.nextInt(10) < 8 ? r.nextInt(bases.size()) : r.nextInt(pages.length);
            int pcid = pcids[r.nextInt(pcids.length)];
            if (k < 70) {
                int access = switch (r.nextInt(6)) {
                    case 0, 1, 2 -> Access.READ | Access.AC; // allowed by any rights
                    case 3 -> Access.WRITE | Access.AC;
                    default -> RandomPagingWorld.randomAccess(r);
                };
                ops.add(new Op(Kind.TRANSLATE, page, r.nextInt(4096), access, 0, 0, 0, false));
            } else if (k < 80) {
                ops.add(new Op(Kind.MODIFY, page, 0, 0, r.nextLong(), r.nextInt(8), 0, false));
            } else if (k < 85) {
                ops.add(new Op(Kind.INVLPG, page, r.nextInt(4096), 0, 0, 0, 0, false));
            } else if (k < 91) {
                long root = firstRoot;
                if (r.nextInt(3) == 0) {
                    root = RandomPagingWorld.poolPage(r.nextInt(RandomPagingWorld.POOL_PAGES));
                    if (mode == PagingMode.PAE) {
                        root += 32L * r.nextInt(4);
                    }
                }
                ops.add(new Op(Kind.MOV_CR3, 0, 0, 0, root, 0, pcid, pcide && r.nextBoolean()));
            } else if (k < 93) {
                ops.add(new Op(Kind.TOGGLE_PGE, 0, 0, 0, 0, 0, 0, false));
            } else {
                ops.add(new Op(Kind.INVPCID, page, r.nextInt(4096), 0, 0, r.nextInt(4), pcid, false));
            }
        }
        return new TlbScenario(seed, w, cfg, pages, ops);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(world.toString()).append(" config ").append(config.itlb())
                .append(config.dtlb()).append(config.stlb()).append(" psc ").append(config.pdeCache()).append('/')
                .append(config.pdpteCache()).append('/').append(config.pml4eCache()).append('/')
                .append(config.pml5eCache()).append(" pages");
        for (long p : pages) {
            b.append(' ').append(Long.toHexString(p));
        }
        return b.toString();
    }

    /** Runs the ops on one MMU, keeping the architectural state the oracle needs. */
    final class Run {
        final SparseMemory memory = world.newMemory();
        /** What the MMU sees: records its A/D writes. */
        final ObservedMemory mmuMemory = new ObservedMemory(memory, false);
        /** What the reference walks see: the current tables, never changed by them. */
        final ObservedMemory readOnly = new ObservedMemory(memory, true);
        final Mmu mmu;
        long cr3;
        long cr4;
        long[] pdptes;

        Run(Function<PhysicalMemory, Mmu> factory) {
            mmu = factory.apply(mmuMemory);
            cr3 = world.cr3;
            cr4 = world.cr4;
            pdptes = world.pdptes == null ? null : world.pdptes.clone();
            assertEquals(true, mmu.load(world.cr0, cr3, cr4, world.efer), "initial load");
        }

        boolean pcide() {
            return (cr4 & CR4_PCIDE) != 0;
        }

        int pcid() {
            return pcide() ? (int) (cr3 & 0xfff) : 0;
        }

        /** The reference walk for the current control state on the current tables. */
        ReferenceWalkAccess reference() {
            return ReferenceWalkAccess.of(readOnly, world.cr0, cr3, cr4, world.efer, pdptes, world.maxPhy,
                    world.gbPages);
        }

        long linear(Op op) {
            return pages[op.page()] | op.offset();
        }

        /** Applies {@code op}; returns the translation result for TRANSLATE, else 0. */
        long apply(Op op) {
            switch (op.kind()) {
                case TRANSLATE:
                    return mmu.translate(linear(op), op.access());
                case MODIFY:
                    modify(op);
                    return 0;
                case INVLPG:
                    mmu.invlpg(linear(op));
                    return 0;
                case MOV_CR3: {
                    long value = op.value() | (pcide() ? op.pcid() : 0) | (op.noFlush() ? CR3_NO_FLUSH : 0);
                    long[] p = world.mode == PagingMode.PAE ? loadPdptes(op.value()) : pdptes;
                    boolean ok = mmu.writeCr3(value);
                    assertEquals(world.mode != PagingMode.PAE || p != null, ok, "MOV CR3 succeeds unless a PDPTE has reserved bits (SDM 4.4.1)");
                    if (ok) {
                        cr3 = value & ~CR3_NO_FLUSH;
                        pdptes = p;
                    }
                    return ok ? 1 : 0;
                }
                case TOGGLE_PGE: {
                    // SDM 4.4.1: with PAE paging, MOV to CR4 changing PGE reloads the PDPTE registers.
                    long[] p = world.mode == PagingMode.PAE ? loadPdptes(cr3) : pdptes;
                    boolean ok = mmu.writeCr4(cr4 ^ CR4_PGE);
                    assertEquals(world.mode != PagingMode.PAE || p != null, ok, "MOV CR4 succeeds unless a PDPTE has reserved bits (SDM 4.4.1)");
                    if (ok) {
                        cr4 ^= CR4_PGE;
                        pdptes = p;
                    }
                    return ok ? 1 : 0;
                }
                case INVPCID:
                    mmu.invpcid(op.type(), op.pcid(), linear(op));
                    return 0;
                default:
                    throw new AssertionError(op);
            }
        }

        /** Written from SDM 4.4.1 / Table 4-8: reserved bits 2:1, 8:5 and 63:MAXPHYADDR of a present PDPTE. */
        private long[] loadPdptes(long root) {
            long base = root & 0xffff_ffe0L;
            long[] p = new long[4];
            for (int i = 0; i < 4; i++) {
                p[i] = memory.read64(base + 8L * i);
                long reserved = 0x6L | 0x1e0L | (-1L << world.maxPhy);
                if ((p[i] & 1) != 0 && (p[i] & reserved) != 0) {
                    return null;
                }
            }
            return p;
        }

        /** Changes one entry on the current walk of the op's page (the {@code type}-th read, cyclically). */
        private void modify(Op op) {
            readOnly.forget();
            ReferenceWalkAccess.Walk walk = reference().walk(pages[op.page()], Access.READ | Access.AC);
            List<Long> reads = walk.reads();
            if (reads.isEmpty()) {
                return; // PAE PDPTE register not present: nothing in memory on this walk
            }
            long address = reads.get(op.type() % reads.size());
            if (address + 8 > memory.size()) {
                return; // a table pointer beyond memory: reads as all ones, cannot be written
            }
            Random r = new Random(op.value());
            if (world.mode == PagingMode.LEGACY_32) {
                long old = memory.read32(address) & 0xffff_ffffL;
                memory.write32(address, (int) world.mutateEntry(old, r));
            } else {
                memory.write64(address, world.mutateEntry(memory.read64(address), r));
            }
        }
    }
}
