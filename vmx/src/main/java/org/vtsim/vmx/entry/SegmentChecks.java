package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Rules.canonical;
import static org.vtsim.vmx.entry.Rules.guest;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * SDM Vol. 3C 26.3.1.2: the checks on the guest segment registers CS, SS, DS, ES, FS, GS, TR and
 * LDTR: selectors, bases, limits and access rights, per register and per guest mode
 * (virtual-8086, IA-32e, "unrestricted guest"). A failure is exit reason 33, qualification 0.
 *
 * <p>Registers are indexed in VMCS field order: {@link #ES} .. {@link #TR}. Rules that concern
 * several registers are arrays indexed the same way, {@code null} where the rule does not exist.
 */
final class SegmentChecks {
    static final int ES = 0;
    static final int CS = 1;
    static final int SS = 2;
    static final int DS = 3;
    static final int FS = 4;
    static final int GS = 5;
    static final int LDTR = 6;
    static final int TR = 7;
    static final String[] NAMES = {"ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR"};
    static final VmcsField[] SELECTOR = {GUEST_ES_SELECTOR, GUEST_CS_SELECTOR, GUEST_SS_SELECTOR, GUEST_DS_SELECTOR,
        GUEST_FS_SELECTOR, GUEST_GS_SELECTOR, GUEST_LDTR_SELECTOR, GUEST_TR_SELECTOR};
    static final VmcsField[] BASE = {GUEST_ES_BASE, GUEST_CS_BASE, GUEST_SS_BASE, GUEST_DS_BASE, GUEST_FS_BASE,
        GUEST_GS_BASE, GUEST_LDTR_BASE, GUEST_TR_BASE};
    static final VmcsField[] LIMIT = {GUEST_ES_LIMIT, GUEST_CS_LIMIT, GUEST_SS_LIMIT, GUEST_DS_LIMIT, GUEST_FS_LIMIT,
        GUEST_GS_LIMIT, GUEST_LDTR_LIMIT, GUEST_TR_LIMIT};
    static final VmcsField[] ACCESS_RIGHTS = {GUEST_ES_ACCESS_RIGHTS, GUEST_CS_ACCESS_RIGHTS, GUEST_SS_ACCESS_RIGHTS,
        GUEST_DS_ACCESS_RIGHTS, GUEST_FS_ACCESS_RIGHTS, GUEST_GS_ACCESS_RIGHTS, GUEST_LDTR_ACCESS_RIGHTS,
        GUEST_TR_ACCESS_RIGHTS};
    /** The data-segment registers whose checks apply only when usable. */
    private static final int[] DATA = {ES, DS, FS, GS};

    private static final String S = "26.3.1.2";

    // ---- selectors ----
    static final EntryCheckFailure TR_TI = guest(S, "the guest TR selector must have TI (bit 2) clear");
    static final EntryCheckFailure LDTR_TI = guest(S, "a usable guest LDTR selector must have TI (bit 2) clear");
    static final EntryCheckFailure SS_RPL = guest(S, "unless virtual-8086 or \"unrestricted guest\", the SS selector "
            + "RPL must equal the CS selector RPL");
    // ---- bases ----
    static final EntryCheckFailure[] V86_BASE = perRegister(ES, GS, "in virtual-8086 mode, the guest %s base must be "
            + "the selector shifted left 4 bits");
    static final EntryCheckFailure[] BASE_CANONICAL = perRegister(FS, TR,
            "the guest %s base must be canonical (LDTR only if usable)");
    static final EntryCheckFailure[] BASE_HIGH = perRegister(ES, DS,
            "bits 63:32 of the guest %s base must be 0 (SS, DS, ES only if usable)");
    // ---- limits ----
    static final EntryCheckFailure[] V86_LIMIT = perRegister(ES, GS,
            "in virtual-8086 mode, the guest %s limit must be 0000FFFFH");
    // ---- access rights ----
    static final EntryCheckFailure[] V86_ACCESS_RIGHTS = perRegister(ES, GS,
            "in virtual-8086 mode, the guest %s access rights must be 000000F3H");
    static final EntryCheckFailure CS_TYPE = guest(S, "the guest CS type must be 9, 11, 13 or 15 (also 3 with "
            + "\"unrestricted guest\")");
    static final EntryCheckFailure SS_TYPE = guest(S, "a usable guest SS must have type 3 or 7");
    static final EntryCheckFailure[] TYPE_ACCESSED = perData("a usable guest %s must have type bit 0 (accessed) set");
    static final EntryCheckFailure[] TYPE_READABLE = perData(
            "a usable guest %s with a code type must have type bit 1 (readable) set");
    static final EntryCheckFailure[] S_SET = perRegister(ES, GS, "guest %s access-rights bit 4 (S) must be 1 "
            + "(CS always, others if usable)");
    static final EntryCheckFailure CS_DPL_DATA = guest(S, "a guest CS of type 3 must have DPL 0");
    static final EntryCheckFailure CS_DPL_NONCONFORMING = guest(S,
            "a guest CS of type 9 or 11 (non-conforming) must have DPL equal to SS.DPL");
    static final EntryCheckFailure CS_DPL_CONFORMING = guest(S,
            "a guest CS of type 13 or 15 (conforming) must have DPL at most SS.DPL");
    static final EntryCheckFailure SS_DPL_RPL = guest(S,
            "without \"unrestricted guest\", the guest SS DPL must equal the SS selector RPL");
    static final EntryCheckFailure SS_DPL_ZERO = guest(S,
            "if the guest CS type is 3 or guest CR0.PE is 0, the SS DPL must be 0");
    static final EntryCheckFailure[] DPL_RPL = perData("without \"unrestricted guest\", a usable guest %s of type 0-11 "
            + "must have DPL at least its selector RPL");
    static final EntryCheckFailure[] P_SET = perRegister(ES, GS,
            "guest %s access-rights bit 7 (P) must be 1 (CS always, others if usable)");
    static final EntryCheckFailure[] RESERVED_11_8 = perRegister(ES, TR,
            "guest %s access-rights bits 11:8 must be 0 (CS and TR always, others if usable)");
    static final EntryCheckFailure CS_DB_LONG = guest(S,
            "with \"IA-32e mode guest\" and CS.L = 1, guest CS.D/B must be 0");
    static final EntryCheckFailure[] GRANULARITY = perRegister(ES, TR, "guest %s G must be 0 if any of limit bits "
            + "11:0 is 0 and 1 if any of limit bits 31:20 is 1 (CS and TR always, others if usable)");
    static final EntryCheckFailure[] RESERVED_31_17 = perRegister(ES, TR,
            "guest %s access-rights bits 31:17 must be 0 (CS and TR always, others if usable)");
    static final EntryCheckFailure TR_TYPE = guest(S,
            "the guest TR type must be 3 or 11 (busy TSS), and 11 with \"IA-32e mode guest\"");
    static final EntryCheckFailure TR_S = guest(S, "guest TR access-rights bit 4 (S) must be 0");
    static final EntryCheckFailure TR_P = guest(S, "guest TR access-rights bit 7 (P) must be 1");
    static final EntryCheckFailure TR_UNUSABLE = guest(S, "the guest TR must be usable (access-rights bit 16 clear)");
    static final EntryCheckFailure LDTR_TYPE = guest(S, "a usable guest LDTR must have type 2 (LDT)");
    static final EntryCheckFailure LDTR_S = guest(S, "a usable guest LDTR must have access-rights bit 4 (S) clear");
    static final EntryCheckFailure LDTR_P = guest(S, "a usable guest LDTR must have access-rights bit 7 (P) set");

    private static EntryCheckFailure[] perRegister(int from, int to, String rule) {
        EntryCheckFailure[] a = new EntryCheckFailure[NAMES.length];
        for (int r = from; r <= to; r++) {
            a[r] = guest(S, String.format(rule, NAMES[r]));
        }
        return a;
    }

    private static EntryCheckFailure[] perData(String rule) {
        EntryCheckFailure[] a = new EntryCheckFailure[NAMES.length];
        for (int r : DATA) {
            a[r] = guest(S, String.format(rule, NAMES[r]));
        }
        return a;
    }

    private SegmentChecks() {
    }

    static int ar(Vmcs v, int r) {
        return v.get32(ACCESS_RIGHTS[r]);
    }

    static boolean usable(int ar) {
        return (ar & GuestMode.AR_UNUSABLE) == 0;
    }

    static int type(int ar) {
        return ar & 0xf;
    }

    static int dpl(int ar) {
        return (ar >>> 5) & 3;
    }

    private static boolean bit(int ar, int n) {
        return (ar & (1 << n)) != 0;
    }

    /** The granularity rule: limit bits 11:0 not all 1 need G = 0; limit bits 31:20 not all 0 need G = 1. */
    static boolean granularityBad(int ar, int limit) {
        boolean g = bit(ar, 15);
        return (limit & 0xfff) != 0xfff && g || (limit >>> 20) != 0 && !g;
    }

    static EntryCheckFailure check(Vmcs v, ProcessorFacts p, FailureSink out) {
        boolean v86 = GuestMode.virtual8086(v);
        boolean ia32e = GuestMode.ia32e(v);
        boolean unrestricted = GuestMode.unrestricted(v);
        int csSel = v.get32(GUEST_CS_SELECTOR);
        int ssSel = v.get32(GUEST_SS_SELECTOR);
        int csAr = ar(v, CS);
        int ssAr = ar(v, SS);
        boolean ldtrUsable = usable(ar(v, LDTR));

        if ((v.get(GUEST_TR_SELECTOR) & 4) != 0 && out.stop(TR_TI)) {
            return TR_TI;
        }
        if (ldtrUsable && (v.get(GUEST_LDTR_SELECTOR) & 4) != 0 && out.stop(LDTR_TI)) {
            return LDTR_TI;
        }
        if (!v86 && !unrestricted && (ssSel & 3) != (csSel & 3) && out.stop(SS_RPL)) {
            return SS_RPL;
        }

        for (int r = ES; r <= GS && v86; r++) {
            if (v.get(BASE[r]) != v.get(SELECTOR[r]) << 4 && out.stop(V86_BASE[r])) {
                return V86_BASE[r];
            }
        }
        for (int r = FS; r <= TR; r++) {
            if ((r != LDTR || ldtrUsable) && !canonical(v.get(BASE[r]), p.linearBits) && out.stop(BASE_CANONICAL[r])) {
                return BASE_CANONICAL[r];
            }
        }
        for (int r = ES; r <= DS; r++) {
            if ((r == CS || usable(ar(v, r))) && (v.get(BASE[r]) >>> 32) != 0 && out.stop(BASE_HIGH[r])) {
                return BASE_HIGH[r];
            }
        }
        for (int r = ES; r <= GS && v86; r++) {
            if (v.get(LIMIT[r]) != 0xffff && out.stop(V86_LIMIT[r])) {
                return V86_LIMIT[r];
            }
        }
        EntryCheckFailure f = v86 ? virtual8086AccessRights(v, out)
                : accessRights(v, ia32e, unrestricted, csAr, ssAr, ssSel, out);
        if (f == null) {
            f = taskRegister(v, ia32e, out);
        }
        return f != null || !ldtrUsable ? f : ldtr(v, out);
    }

    private static EntryCheckFailure virtual8086AccessRights(Vmcs v, FailureSink out) {
        for (int r = ES; r <= GS; r++) {
            if (ar(v, r) != 0xf3 && out.stop(V86_ACCESS_RIGHTS[r])) {
                return V86_ACCESS_RIGHTS[r];
            }
        }
        return null;
    }

    private static EntryCheckFailure accessRights(Vmcs v, boolean ia32e, boolean unrestricted, int csAr, int ssAr,
            int ssSel, FailureSink out) {
        int csType = type(csAr);
        boolean csTypeOk = csType == 9 || csType == 11 || csType == 13 || csType == 15 || csType == 3 && unrestricted;
        if (!csTypeOk && out.stop(CS_TYPE)) {
            return CS_TYPE;
        }
        if (usable(ssAr) && type(ssAr) != 3 && type(ssAr) != 7 && out.stop(SS_TYPE)) {
            return SS_TYPE;
        }
        for (int r : DATA) {
            int ar = ar(v, r);
            if (!usable(ar)) {
                continue;
            }
            if (!bit(ar, 0) && out.stop(TYPE_ACCESSED[r])) {
                return TYPE_ACCESSED[r];
            }
            if (bit(ar, 3) && !bit(ar, 1) && out.stop(TYPE_READABLE[r])) {
                return TYPE_READABLE[r];
            }
        }
        for (int r = ES; r <= GS; r++) {
            int ar = ar(v, r);
            if ((r == CS || usable(ar)) && !bit(ar, 4) && out.stop(S_SET[r])) {
                return S_SET[r];
            }
        }
        int ssDpl = dpl(ssAr);
        if (csType == 3 && dpl(csAr) != 0 && out.stop(CS_DPL_DATA)) {
            return CS_DPL_DATA;
        }
        if ((csType == 9 || csType == 11) && dpl(csAr) != ssDpl && out.stop(CS_DPL_NONCONFORMING)) {
            return CS_DPL_NONCONFORMING;
        }
        if ((csType == 13 || csType == 15) && dpl(csAr) > ssDpl && out.stop(CS_DPL_CONFORMING)) {
            return CS_DPL_CONFORMING;
        }
        if (!unrestricted && ssDpl != (ssSel & 3) && out.stop(SS_DPL_RPL)) {
            return SS_DPL_RPL;
        }
        if ((csType == 3 || (v.get(GUEST_CR0) & CpuState.CR0_PE) == 0) && ssDpl != 0 && out.stop(SS_DPL_ZERO)) {
            return SS_DPL_ZERO;
        }
        for (int r : DATA) {
            int ar = ar(v, r);
            if (!unrestricted && usable(ar) && type(ar) <= 11 && dpl(ar) < (v.get32(SELECTOR[r]) & 3)
                    && out.stop(DPL_RPL[r])) {
                return DPL_RPL[r];
            }
        }
        for (int r = ES; r <= GS; r++) {
            int ar = ar(v, r);
            if ((r == CS || usable(ar)) && !bit(ar, 7) && out.stop(P_SET[r])) {
                return P_SET[r];
            }
        }
        for (int r = ES; r <= GS; r++) {
            int ar = ar(v, r);
            if ((r == CS || usable(ar)) && (ar & 0xf00) != 0 && out.stop(RESERVED_11_8[r])) {
                return RESERVED_11_8[r];
            }
        }
        if (ia32e && bit(csAr, 13) && bit(csAr, 14) && out.stop(CS_DB_LONG)) {
            return CS_DB_LONG;
        }
        for (int r = ES; r <= GS; r++) {
            int ar = ar(v, r);
            if ((r == CS || usable(ar)) && granularityBad(ar, v.get32(LIMIT[r])) && out.stop(GRANULARITY[r])) {
                return GRANULARITY[r];
            }
        }
        for (int r = ES; r <= GS; r++) {
            int ar = ar(v, r);
            if ((r == CS || usable(ar)) && (ar >>> 17) != 0 && out.stop(RESERVED_31_17[r])) {
                return RESERVED_31_17[r];
            }
        }
        return null;
    }

    private static EntryCheckFailure taskRegister(Vmcs v, boolean ia32e, FailureSink out) {
        int ar = ar(v, TR);
        int type = type(ar);
        if ((ia32e ? type != 11 : type != 3 && type != 11) && out.stop(TR_TYPE)) {
            return TR_TYPE;
        }
        if (bit(ar, 4) && out.stop(TR_S)) {
            return TR_S;
        }
        if (!bit(ar, 7) && out.stop(TR_P)) {
            return TR_P;
        }
        if ((ar & 0xf00) != 0 && out.stop(RESERVED_11_8[TR])) {
            return RESERVED_11_8[TR];
        }
        if (granularityBad(ar, v.get32(GUEST_TR_LIMIT)) && out.stop(GRANULARITY[TR])) {
            return GRANULARITY[TR];
        }
        if (!usable(ar) && out.stop(TR_UNUSABLE)) {
            return TR_UNUSABLE;
        }
        if ((ar >>> 17) != 0 && out.stop(RESERVED_31_17[TR])) {
            return RESERVED_31_17[TR];
        }
        return null;
    }

    /** Called only for a usable LDTR: every LDTR access-rights rule applies only then. */
    private static EntryCheckFailure ldtr(Vmcs v, FailureSink out) {
        int ar = ar(v, LDTR);
        if (type(ar) != 2 && out.stop(LDTR_TYPE)) {
            return LDTR_TYPE;
        }
        if (bit(ar, 4) && out.stop(LDTR_S)) {
            return LDTR_S;
        }
        if (!bit(ar, 7) && out.stop(LDTR_P)) {
            return LDTR_P;
        }
        if ((ar & 0xf00) != 0 && out.stop(RESERVED_11_8[LDTR])) {
            return RESERVED_11_8[LDTR];
        }
        if (granularityBad(ar, v.get32(GUEST_LDTR_LIMIT)) && out.stop(GRANULARITY[LDTR])) {
            return GRANULARITY[LDTR];
        }
        if ((ar >>> 17) != 0 && out.stop(RESERVED_31_17[LDTR])) {
            return RESERVED_31_17[LDTR];
        }
        return null;
    }
}
