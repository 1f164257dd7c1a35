/*
 * vmx-basic: a guest-side hypervisor, the kind of test kvm-unit-tests' "vmx" suite runs.
 * It runs in VMX root operation on the CPU it is given: checks CPUID and
 * IA32_FEATURE_CONTROL, reads the capability MSRs, enters VMX operation, exercises the
 * error paths of the VMX instructions, builds a VMCS and VMLAUNCHes a small 64-bit guest
 * (guest_entry in vmx-basic-entry.S) whose exits it handles in x86 code, then leaves VMX
 * operation. Every outcome is compared with what the Intel SDM prescribes; the run ends
 * with status 1 when all agree, 3 otherwise.
 *
 * EXPECTED OUTPUT: guests/expected/vmx-basic.txt was NOT produced by running this image
 * (the build machine has no VMX for guests, and there is no host build: VMX instructions
 * do not run in a Linux process). It is written from the Intel SDM Vol. 3C: exit-reason
 * numbers (Appendix C), exit qualifications (27.2.1, Tables 27-3 and 27-5), VM-exit
 * instruction lengths (27.2.5; the lengths of the encodings in vmx-basic-entry.S),
 * VM-instruction error numbers (31.4), VM-entry failure qualifications (26.8), and the
 * control-value rule of Appendix A.3 applied to the capability MSR values the image
 * prints. Lines that depend on the CPU's capabilities (revision identifier, allowed-0 and
 * allowed-1 settings, IA32_VMX_MISC bit 29, CR0/CR4 fixed bits) print the capability
 * itself, so each line can be checked against the SDM and the MSR values it shows.
 * The expected file holds the values of vtsim's model CPU (VmxCapabilities.skylake).
 * Cross-check: under Bochs 2.7 (scripts/bochs-run.sh) the image passes all its checks and
 * prints the same lines except the capability ones (see guests/README.md).
 */
#include "kit.h"
#include "x86.h"
#include "pmm.h"

#ifdef KIT_HOST
#error "vmx-basic runs in VMX root operation: guest build only"
#endif

/* ---- VMCS field encodings (SDM Vol. 3C Appendix B) ---- */
enum {
    GUEST_ES_SELECTOR = 0x0800, GUEST_CS_SELECTOR = 0x0802, GUEST_SS_SELECTOR = 0x0804,
    GUEST_DS_SELECTOR = 0x0806, GUEST_FS_SELECTOR = 0x0808, GUEST_GS_SELECTOR = 0x080a,
    GUEST_LDTR_SELECTOR = 0x080c, GUEST_TR_SELECTOR = 0x080e,
    HOST_ES_SELECTOR = 0x0c00, HOST_CS_SELECTOR = 0x0c02, HOST_SS_SELECTOR = 0x0c04,
    HOST_DS_SELECTOR = 0x0c06, HOST_FS_SELECTOR = 0x0c08, HOST_GS_SELECTOR = 0x0c0a,
    HOST_TR_SELECTOR = 0x0c0c,
    IO_BITMAP_A = 0x2000, IO_BITMAP_B = 0x2002, MSR_BITMAP = 0x2004,
    EXIT_MSR_STORE_ADDR = 0x2006, EXIT_MSR_LOAD_ADDR = 0x2008, ENTRY_MSR_LOAD_ADDR = 0x200a,
    TSC_OFFSET = 0x2010,
    VMCS_LINK_POINTER = 0x2800, GUEST_IA32_DEBUGCTL = 0x2802,
    PIN_BASED_CONTROLS = 0x4000, PROC_BASED_CONTROLS = 0x4002, EXCEPTION_BITMAP = 0x4004,
    PF_ERROR_CODE_MASK = 0x4006, PF_ERROR_CODE_MATCH = 0x4008, CR3_TARGET_COUNT = 0x400a,
    EXIT_CONTROLS = 0x400c, EXIT_MSR_STORE_COUNT = 0x400e, EXIT_MSR_LOAD_COUNT = 0x4010,
    ENTRY_CONTROLS = 0x4012, ENTRY_MSR_LOAD_COUNT = 0x4014, ENTRY_INTR_INFO = 0x4016,
    VM_INSTRUCTION_ERROR = 0x4400, EXIT_REASON = 0x4402, EXIT_INTR_INFO = 0x4404,
    EXIT_INTR_ERROR_CODE = 0x4406, EXIT_INSTRUCTION_LEN = 0x440c,
    GUEST_ES_LIMIT = 0x4800, GUEST_CS_LIMIT = 0x4802, GUEST_SS_LIMIT = 0x4804,
    GUEST_DS_LIMIT = 0x4806, GUEST_FS_LIMIT = 0x4808, GUEST_GS_LIMIT = 0x480a,
    GUEST_LDTR_LIMIT = 0x480c, GUEST_TR_LIMIT = 0x480e, GUEST_GDTR_LIMIT = 0x4810,
    GUEST_IDTR_LIMIT = 0x4812, GUEST_ES_AR = 0x4814, GUEST_CS_AR = 0x4816, GUEST_SS_AR = 0x4818,
    GUEST_DS_AR = 0x481a, GUEST_FS_AR = 0x481c, GUEST_GS_AR = 0x481e, GUEST_LDTR_AR = 0x4820,
    GUEST_TR_AR = 0x4822, GUEST_INTERRUPTIBILITY = 0x4824, GUEST_ACTIVITY_STATE = 0x4826,
    GUEST_SYSENTER_CS = 0x482a, HOST_SYSENTER_CS = 0x4c00,
    CR0_GUEST_HOST_MASK = 0x6000, CR4_GUEST_HOST_MASK = 0x6002,
    CR0_READ_SHADOW = 0x6004, CR4_READ_SHADOW = 0x6006,
    EXIT_QUALIFICATION = 0x6400,
    GUEST_CR0 = 0x6800, GUEST_CR3 = 0x6802, GUEST_CR4 = 0x6804, GUEST_ES_BASE = 0x6806,
    GUEST_CS_BASE = 0x6808, GUEST_SS_BASE = 0x680a, GUEST_DS_BASE = 0x680c,
    GUEST_FS_BASE = 0x680e, GUEST_GS_BASE = 0x6810, GUEST_LDTR_BASE = 0x6812,
    GUEST_TR_BASE = 0x6814, GUEST_GDTR_BASE = 0x6816, GUEST_IDTR_BASE = 0x6818,
    GUEST_DR7 = 0x681a, GUEST_RSP = 0x681c, GUEST_RIP = 0x681e, GUEST_RFLAGS = 0x6820,
    GUEST_PENDING_DBG = 0x6822, GUEST_SYSENTER_ESP = 0x6824, GUEST_SYSENTER_EIP = 0x6826,
    HOST_CR0 = 0x6c00, HOST_CR3 = 0x6c02, HOST_CR4 = 0x6c04, HOST_FS_BASE = 0x6c06,
    HOST_GS_BASE = 0x6c08, HOST_TR_BASE = 0x6c0a, HOST_GDTR_BASE = 0x6c0c,
    HOST_IDTR_BASE = 0x6c0e, HOST_SYSENTER_ESP = 0x6c10, HOST_SYSENTER_EIP = 0x6c12,
    HOST_RIP = 0x6c16,
};

/* Encodings that name no VMCS component: bit 12 and bits 31:15 are reserved (SDM 24.11.2). */
#define FIELD_RESERVED_BIT12 0x00001000u
#define FIELD_RESERVED_BIT16 0x00010000u

/* ---- capability MSRs (SDM Vol. 3C Appendix A; Vol. 4 Table 2-2) ---- */
#define MSR_FEATURE_CONTROL       0x3a
#define MSR_VMX_BASIC             0x480
#define MSR_VMX_PINBASED_CTLS     0x481
#define MSR_VMX_PROCBASED_CTLS    0x482
#define MSR_VMX_EXIT_CTLS         0x483
#define MSR_VMX_ENTRY_CTLS        0x484
#define MSR_VMX_MISC              0x485
#define MSR_VMX_CR0_FIXED0        0x486
#define MSR_VMX_CR0_FIXED1        0x487
#define MSR_VMX_CR4_FIXED0        0x488
#define MSR_VMX_CR4_FIXED1        0x489
#define MSR_VMX_TRUE_PINBASED     0x48d
#define MSR_VMX_TRUE_PROCBASED    0x48e
#define MSR_VMX_TRUE_EXIT         0x48f
#define MSR_VMX_TRUE_ENTRY        0x490
#define MSR_FS_BASE               0xc0000100

#define FEATURE_CONTROL_LOCK      (1ull << 0)
#define FEATURE_CONTROL_VMXON     (1ull << 2)   /* VMX outside SMX operation */
#define CR4_VMXE                  (1ull << 13)

/* control bits wanted (SDM 24.6.2 Table 24-6, 24.7.1 Table 24-13, 24.8.1 Table 24-15) */
#define PROC_HLT_EXITING          (1u << 7)
#define PROC_RDTSC_EXITING        (1u << 12)
#define PROC_CR3_LOAD_EXITING     (1u << 15)
#define PROC_USE_IO_BITMAPS       (1u << 25)
#define PROC_USE_MSR_BITMAPS      (1u << 28)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define ENTRY_IA32E_MODE_GUEST    (1u << 9)

/* ---- what the nested guest does (vmx-basic-entry.S) ---- */
#define GUEST_OUT_PORT      0x80     /* set in I/O bitmap A */
#define GUEST_IN_PORT       0x3ff    /* clear */
#define GUEST_EXIT_MSR      0x1b     /* IA32_APIC_BASE: set in the read bitmap for low MSRs */
#define EMULATED_MSR_VALUE  0xfee00900ull
#define EMULATED_TSC        0x123456789ull
#define VMCALL_REPORT_CPUID 1
#define VMCALL_STOP         2

/* Guest general-purpose registers while the host runs; layout shared with the .S file. */
struct guest_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};
struct guest_regs vmx_guest_regs;

long vmx_enter(int resume);          /* vmx-basic-entry.S */
void vmx_exit_stub(void);
extern const char guest_entry[], guest_end[];
long vmx_handle_exit(void);

/* vmx_enter results besides the handler's stop codes */
#define ENTER_FAIL_INVALID  (-1)
#define ENTER_FAIL_VALID    (-2)
/* vmx_handle_exit return values: 0 resumes the guest */
#define STOP_DONE           1
#define STOP_UNEXPECTED     2
#define STOP_ENTRY_FAILURE  3

static int checks, mismatches;

static void verdict(int ok, const char *sdm)
{
    checks++;
    if (ok) {
        kprintf(" - ok\n");
    } else {
        mismatches++;
        kprintf(" - MISMATCH, SDM: %s\n", sdm);
    }
}

/* ---- the VMX instructions; each returns RFLAGS after it (SDM 31.2 conventions) ---- */
#define RFLAGS_CF 0x1ull
#define RFLAGS_ZF 0x40ull

static inline uint64_t vmxon(uint64_t pa)
{ uint64_t f; __asm__ volatile("vmxon %1; pushfq; popq %0" : "=r"(f) : "m"(pa) : "cc", "memory"); return f; }
static inline uint64_t vmxoff(void)
{ uint64_t f; __asm__ volatile("vmxoff; pushfq; popq %0" : "=r"(f) :: "cc", "memory"); return f; }
static inline uint64_t vmclear(uint64_t pa)
{ uint64_t f; __asm__ volatile("vmclear %1; pushfq; popq %0" : "=r"(f) : "m"(pa) : "cc", "memory"); return f; }
static inline uint64_t vmptrld(uint64_t pa)
{ uint64_t f; __asm__ volatile("vmptrld %1; pushfq; popq %0" : "=r"(f) : "m"(pa) : "cc", "memory"); return f; }
static inline uint64_t vmptrst(uint64_t *pa)
{ uint64_t f; __asm__ volatile("vmptrst %1; pushfq; popq %0" : "=r"(f), "=m"(*pa) :: "cc", "memory"); return f; }
static inline uint64_t vmread_flags(uint64_t field, uint64_t *value)
{
    uint64_t f, v = 0;
    __asm__ volatile("vmread %2, %1; pushfq; popq %0" : "=&r"(f), "+r"(v) : "r"(field) : "cc");
    *value = v;
    return f;
}
static inline uint64_t vmwrite_flags(uint64_t field, uint64_t value)
{ uint64_t f; __asm__ volatile("vmwrite %1, %2; pushfq; popq %0" : "=&r"(f) : "r"(value), "r"(field) : "cc", "memory"); return f; }

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
#define READ_SEG(s) ({ uint16_t v_; __asm__ volatile("mov %%" #s ", %0" : "=r"(v_)); v_; })

/* VMREAD/VMWRITE of fields that must exist: a failure is itself a mismatch. */
static uint64_t vmr(uint32_t field)
{
    uint64_t v, f = vmread_flags(field, &v);
    if (f & (RFLAGS_CF | RFLAGS_ZF)) {
        kprintf("VMREAD 0x%x failed (rflags 0x%lx)", field, f);
        verdict(0, "VMsucceed for an existing field");
    }
    return v;
}

static void vmw(uint32_t field, uint64_t value)
{
    uint64_t f = vmwrite_flags(field, value);
    if (f & (RFLAGS_CF | RFLAGS_ZF)) {
        kprintf("VMWRITE 0x%x = 0x%lx failed (rflags 0x%lx)", field, value, f);
        verdict(0, "VMsucceed for an existing field");
    }
}

/* VM-instruction error numbers (SDM Vol. 3C 31.4, Table 31-1) */
static const char *error_name(uint64_t e)
{
    switch (e) {
    case 3: return "VMCLEAR with VMXON pointer";
    case 4: return "VMLAUNCH with non-clear VMCS";
    case 5: return "VMRESUME with non-launched VMCS";
    case 7: return "VM entry with invalid control field(s)";
    case 8: return "VM entry with invalid host-state field(s)";
    case 10: return "VMPTRLD with VMXON pointer";
    case 11: return "VMPTRLD with incorrect VMCS revision identifier";
    case 12: return "VMREAD/VMWRITE from/to unsupported VMCS component";
    case 13: return "VMWRITE to read-only VMCS component";
    case 15: return "VMXON executed in VMX root operation";
    default: return "other";
    }
}

/*
 * Prints how a VMX instruction ended: VMsucceed (CF = ZF = 0), VMfailInvalid (CF = 1),
 * or VMfailValid (ZF = 1) with the VM-instruction error field, and checks it against
 * the SDM's outcome (want_error 0 = VMsucceed, -1 = VMfailInvalid).
 */
static void outcome(const char *what, uint64_t rflags, int want_error)
{
    int got;
    kprintf("%s: ", what);
    if (rflags & RFLAGS_CF) {
        kprintf("VMfailInvalid (CF=1 ZF=%d)", !!(rflags & RFLAGS_ZF));
        got = -1;
    } else if (rflags & RFLAGS_ZF) {
        uint64_t e = vmr(VM_INSTRUCTION_ERROR);
        kprintf("VMfailValid (ZF=1), error %lu (%s)", e, error_name(e));
        got = (int)e;
    } else {
        kprintf("VMsucceed (CF=0 ZF=0)");
        got = 0;
    }
    verdict(got == want_error, want_error == 0 ? "VMsucceed"
            : want_error < 0 ? "VMfailInvalid" : error_name((uint64_t)want_error));
}

static void outcome_enter(const char *what, long r, int want_error)
{
    uint64_t rflags = r == ENTER_FAIL_INVALID ? RFLAGS_CF : r == ENTER_FAIL_VALID ? RFLAGS_ZF : 0;
    if (r >= 0) {
        kprintf("%s: VM entry happened (vmx_enter returned %ld)", what, r);
        verdict(0, error_name((uint64_t)want_error));
        return;
    }
    outcome(what, rflags, want_error);
}

/* ---- capabilities ---- */
struct control {
    const char *name;
    uint32_t msr, true_msr;
    uint32_t wanted;
    uint32_t value;
};

static struct control pin = { "pin-based", MSR_VMX_PINBASED_CTLS, MSR_VMX_TRUE_PINBASED, 0, 0 };
static struct control proc = { "primary processor-based", MSR_VMX_PROCBASED_CTLS, MSR_VMX_TRUE_PROCBASED,
    PROC_HLT_EXITING | PROC_RDTSC_EXITING | PROC_CR3_LOAD_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS, 0 };
static struct control exitc = { "VM-exit", MSR_VMX_EXIT_CTLS, MSR_VMX_TRUE_EXIT, EXIT_HOST_ADDR_SPACE_SIZE, 0 };
static struct control entry = { "VM-entry", MSR_VMX_ENTRY_CTLS, MSR_VMX_TRUE_ENTRY, ENTRY_IA32E_MODE_GUEST, 0 };

/* SDM A.3.1 / 31.5.1: bits 31:0 are allowed-0 ("must be 1"), 63:32 allowed-1 ("may be 1");
 * software sets a control to (wanted | allowed0) & allowed1. With IA32_VMX_BASIC bit 55 the
 * TRUE_ MSRs report which default1 controls may be 0 (SDM A.2). */
static int adjust(struct control *c, int true_ctls)
{
    uint32_t msr = true_ctls ? c->true_msr : c->msr;
    uint64_t cap = rdmsr(msr);
    uint32_t a0 = (uint32_t)cap, a1 = (uint32_t)(cap >> 32);
    c->value = (c->wanted | a0) & a1;
    kprintf("%s controls (MSR 0x%x): allowed-0 0x%08x allowed-1 0x%08x wanted 0x%08x -> 0x%08x\n",
            c->name, msr, a0, a1, c->wanted, c->value);
    return (c->value & c->wanted) == c->wanted;
}

static void describe(const struct control *c, uint32_t bit, const char *name, int true_ctls)
{
    uint64_t cap = rdmsr(true_ctls ? c->true_msr : c->msr);
    uint32_t a0 = (uint32_t)cap, a1 = (uint32_t)(cap >> 32);
    kprintf("  %-26s %s\n", name, !(a1 & bit) ? "not available"
            : (a0 & bit) ? "available, fixed to 1" : "available, may be 0 or 1");
}

/* ---- the nested guest's memory ---- */
static uint64_t vmxon_region, vmcs_region, bad_revision_region, io_bitmap_a, io_bitmap_b, msr_bitmap;
static uint64_t guest_stack_top, host_cr3;
static uint16_t host_tr;
static uint32_t revision;

static uint64_t page(void)
{
    uint64_t pa = pmm_alloc_zeroed();
    if (!pa) kit_exit(KIT_EXIT_NOMEM);
    return pa;
}

/* ---- exits ---- */
struct expected_exit {
    uint32_t reason;
    uint64_t qualification;
    int length;            /* -1: undefined for this exit (SDM 27.2.5) */
    uint64_t rip_offset;
};

/*
 * The exits the SDM prescribes for guest_entry, in order. Reasons: Appendix C. Qualification:
 * 27.2.1 (cleared for exits that do not define one; Table 27-3 for CR access: CR 3, type 0
 * MOV to CR, GPR 12 = R12 in bits 11:8; Table 27-5 for I/O: size-1 in 2:0, direction 0 OUT,
 * bit 6 immediate operand, port in 31:16). Length: 27.2.5, the encodings' lengths.
 */
static const struct expected_exit expected_exits[] = {
    { 10, 0, 2, 0x04 },                  /* CPUID 0f a2 */
    { 18, 0, 3, 0x0b },                  /* VMCALL 0f 01 c1 */
    { 30, 0x00800040, 2, 0x10 },         /* OUT imm8 e6 80 */
    { 31, 0, 2, 0x1c },                  /* RDMSR 0f 32 */
    { 28, 0xc03, 4, 0x2e },              /* MOV CR3, R12: 41 0f 22 dc */
    { 12, 0, 1, 0x32 },                  /* HLT f4 */
    { 0, 0, -1, 0x33 },                  /* UD2 0f 0b: #UD, a hardware exception */
    { 16, 0, 2, 0x35 },                  /* RDTSC 0f 31 */
    { 18, 0, 3, 0x40 },                  /* VMCALL 0f 01 c1 */
};
#define EXPECTED_EXITS ((int)(sizeof(expected_exits) / sizeof(expected_exits[0])))

static int exits;
static uint64_t entry_failure_reason, entry_failure_qualification;

static const char *exit_name(uint32_t basic)
{
    switch (basic) {
    case 0: return "exception or NMI";
    case 10: return "CPUID";
    case 12: return "HLT";
    case 16: return "RDTSC";
    case 18: return "VMCALL";
    case 28: return "control-register access";
    case 30: return "I/O instruction";
    case 31: return "RDMSR";
    case 33: return "VM-entry failure due to invalid guest state";
    default: return "unexpected";
    }
}

static const char *const gpr_names[16] = {
    "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
    "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
};

/* A GPR by its number in exit qualifications (SDM Table 27-3): RAX RCX RDX RBX RSP RBP RSI RDI R8-R15. */
static uint64_t gpr(int n)
{
    struct guest_regs *r = &vmx_guest_regs;
    const uint64_t v[16] = { r->rax, r->rcx, r->rdx, r->rbx, 0, r->rbp, r->rsi, r->rdi,
                             r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15 };
    return n == 4 ? vmr(GUEST_RSP) : v[n];
}

static void skip(uint64_t rip, uint64_t length) { vmw(GUEST_RIP, rip + length); }

long vmx_handle_exit(void)
{
    struct guest_regs *r = &vmx_guest_regs;
    uint64_t reason = vmr(EXIT_REASON), qual = vmr(EXIT_QUALIFICATION);
    uint32_t basic = (uint32_t)reason & 0xffff;

    if (reason & 0x80000000u) {
        /* VM-entry failure while loading guest state (SDM 26.8): host state is loaded as on a
         * VM exit; bit 31 of the exit reason is set; the qualification says which check. */
        entry_failure_reason = reason;
        entry_failure_qualification = qual;
        return STOP_ENTRY_FAILURE;
    }

    uint64_t rip = vmr(GUEST_RIP), len = vmr(EXIT_INSTRUCTION_LEN);
    uint64_t off = rip - (uint64_t)(uintptr_t)guest_entry;
    int i = exits++;
    kprintf("exit %d: reason %u (%s), qualification 0x%lx, ", i + 1, basic, exit_name(basic), qual);
    if (basic == 0) kprintf("length undefined, ");
    else kprintf("length %lu, ", len);
    kprintf("rip guest_entry+0x%lx", off);
    if (i >= EXPECTED_EXITS) {
        verdict(0, "no further exit");
        return STOP_UNEXPECTED;
    }
    const struct expected_exit *x = &expected_exits[i];
    verdict(reason == x->reason && qual == x->qualification && off == x->rip_offset
            && (x->length < 0 || len == (uint64_t)x->length), "the exit listed in expected_exits[]");

    switch (basic) {
    case 10: /* CPUID: the hypervisor answers leaf 0 itself */
        kprintf("  CPUID leaf 0x%lx: emulated as max leaf 0, vendor \"vmx-basic-hv\"\n", r->rax & 0xffffffff);
        r->rax = 0;
        r->rbx = 0x2d786d76;   /* "vmx-" */
        r->rdx = 0x69736162;   /* "basi" */
        r->rcx = 0x76682d63;   /* "c-hv" */
        skip(rip, len);
        return 0;
    case 18: /* VMCALL: RAX selects the request */
        if (r->rax == VMCALL_REPORT_CPUID) {
            char v[13];
            uint32_t w[3] = { (uint32_t)r->rbx, (uint32_t)r->rdx, (uint32_t)r->rcx };
            memcpy(v, w, 12);
            v[12] = 0;
            kprintf("  VMCALL %lu: the guest saw vendor \"%s\"", r->rax, v);
            verdict(!kstrcmp(v, "vmx-basic-hv"), "CPUID results are the emulated ones");
            skip(rip, len);
            return 0;
        }
        if (r->rax == VMCALL_STOP) {
            uint64_t tsc = (r->rdi & 0xffffffff) << 32 | (r->rsi & 0xffffffff);
            uint64_t msr = (r->r9 & 0xffffffff) << 32 | (r->r8 & 0xffffffff);
            kprintf("  VMCALL %lu: stop; the guest saw RDMSR 0x%x = 0x%lx, RDTSC = 0x%lx, IA32_EFER.LME=%lu LMA=%lu",
                    r->rax, GUEST_EXIT_MSR, msr, tsc, (r->r10 >> 8) & 1, (r->r10 >> 10) & 1);
            verdict(msr == EMULATED_MSR_VALUE && tsc == EMULATED_TSC && ((r->r10 >> 8) & 5) == 5,
                    "emulated RDMSR/RDTSC values; EFER.LME = EFER.LMA = 1 in an IA-32e mode guest (26.3.2.1)");
            return STOP_DONE;
        }
        kprintf("  VMCALL %lu: unknown request\n", r->rax);
        return STOP_UNEXPECTED;
    case 30: { /* I/O instruction, qualification per SDM Table 27-5 */
        unsigned size = (unsigned)(qual & 7) + 1, port = (unsigned)(qual >> 16) & 0xffff;
        kprintf("  %s port 0x%x, %u byte%s, %s operand%s%s, value 0x%lx\n", (qual & 8) ? "IN from" : "OUT to",
                port, size, size == 1 ? "" : "s", (qual & 0x40) ? "immediate" : "DX",
                (qual & 0x10) ? ", string" : "", (qual & 0x20) ? ", REP" : "", r->rax & 0xff);
        skip(rip, len);
        return 0;
    }
    case 31: /* RDMSR: ECX names the MSR; the hypervisor returns a fixed value */
        kprintf("  RDMSR 0x%lx: emulated as 0x%llx\n", r->rcx & 0xffffffff, EMULATED_MSR_VALUE);
        r->rax = EMULATED_MSR_VALUE & 0xffffffff;
        r->rdx = EMULATED_MSR_VALUE >> 32;
        skip(rip, len);
        return 0;
    case 28: { /* control-register access, qualification per SDM Table 27-3 */
        int cr = (int)(qual & 15), type = (int)(qual >> 4) & 3, reg = (int)(qual >> 8) & 15;
        uint64_t value = gpr(reg);
        kprintf("  %s CR%d %s %s, value %s host CR3\n", type == 0 ? "MOV to" : "access type",
                cr, type == 0 ? "from" : "with", gpr_names[reg], value == host_cr3 ? "==" : "!=");
        if (type == 0 && cr == 3) vmw(GUEST_CR3, value);
        skip(rip, len);
        return 0;
    }
    case 12: /* HLT: nothing to wait for; resume at the next instruction */
        kprintf("  HLT: resume after it\n");
        skip(rip, len);
        return 0;
    case 0: { /* exception bitmap hit: interruption information per SDM Table 24-19 */
        uint64_t info = vmr(EXIT_INTR_INFO);
        kprintf("  interruption information 0x%lx: valid %lu, vector %lu, type %lu, error code valid %lu;"
                " skip UD2 (2 bytes)", info, info >> 31, info & 0xff, (info >> 8) & 7, (info >> 11) & 1);
        verdict(info == 0x80000306, "0x80000306: valid, vector 6, type 3 hardware exception, no error code");
        skip(rip, 2);
        return 0;
    }
    case 16: /* RDTSC: a fixed time stamp */
        kprintf("  RDTSC: emulated as 0x%llx\n", EMULATED_TSC);
        r->rax = EMULATED_TSC & 0xffffffff;
        r->rdx = EMULATED_TSC >> 32;
        skip(rip, len);
        return 0;
    default:
        return STOP_UNEXPECTED;
    }
}

/* ---- the VMCS ---- */
struct dtr { uint16_t limit; uint64_t base; } __attribute__((packed));

static void setup_vmcs(void)
{
    struct dtr gdtr, idtr;
    uint16_t tr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("sidt %0" : "=m"(idtr));
    __asm__ volatile("str %0" : "=r"(tr));
    host_tr = tr;
    /* the TSS descriptor is 16 bytes (SDM Vol. 3A 8.2.3) */
    const uint64_t *d = (const uint64_t *)(uintptr_t)(gdtr.base + (tr & ~7u));
    uint64_t tr_base = ((d[0] >> 16) & 0xffffff) | ((d[0] >> 56) & 0xff) << 24 | (d[1] & 0xffffffff) << 32;
    uint32_t tr_limit = (uint32_t)(d[0] & 0xffff) | (uint32_t)((d[0] >> 48) & 0xf) << 16;

    /* controls (SDM 24.6-24.8; values from adjust()) */
    vmw(PIN_BASED_CONTROLS, pin.value);
    vmw(PROC_BASED_CONTROLS, proc.value);
    vmw(EXIT_CONTROLS, exitc.value);
    vmw(ENTRY_CONTROLS, entry.value);
    vmw(EXCEPTION_BITMAP, 1u << 6);               /* #UD */
    vmw(PF_ERROR_CODE_MASK, 0);
    vmw(PF_ERROR_CODE_MATCH, 0);
    vmw(CR3_TARGET_COUNT, 0);                     /* every MOV to CR3 exits (25.1.3) */
    vmw(IO_BITMAP_A, io_bitmap_a);
    vmw(IO_BITMAP_B, io_bitmap_b);
    vmw(MSR_BITMAP, msr_bitmap);
    vmw(TSC_OFFSET, 0);
    vmw(EXIT_MSR_STORE_COUNT, 0);
    vmw(EXIT_MSR_LOAD_COUNT, 0);
    vmw(ENTRY_MSR_LOAD_COUNT, 0);
    vmw(ENTRY_INTR_INFO, 0);
    vmw(CR0_GUEST_HOST_MASK, 0);
    vmw(CR4_GUEST_HOST_MASK, 0);
    vmw(CR0_READ_SHADOW, 0);
    vmw(CR4_READ_SHADOW, 0);
    ((uint8_t *)phys_to_virt(io_bitmap_a))[GUEST_OUT_PORT / 8] |= 1u << (GUEST_OUT_PORT % 8);
    ((uint8_t *)phys_to_virt(msr_bitmap))[GUEST_EXIT_MSR / 8] |= 1u << (GUEST_EXIT_MSR % 8);

    /* host state (SDM 24.5, checked by 26.2.2-26.2.4): this code's own registers */
    vmw(HOST_CR0, read_cr0());
    vmw(HOST_CR3, host_cr3);
    vmw(HOST_CR4, read_cr4());
    vmw(HOST_CS_SELECTOR, READ_SEG(cs));
    vmw(HOST_SS_SELECTOR, READ_SEG(ss));
    vmw(HOST_DS_SELECTOR, READ_SEG(ds));
    vmw(HOST_ES_SELECTOR, READ_SEG(es));
    vmw(HOST_FS_SELECTOR, READ_SEG(fs));
    vmw(HOST_GS_SELECTOR, READ_SEG(gs));
    vmw(HOST_TR_SELECTOR, tr);                    /* non-zero (26.2.3): the kit's TSS at 0x30 */
    vmw(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmw(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmw(HOST_TR_BASE, tr_base);
    vmw(HOST_GDTR_BASE, gdtr.base);
    vmw(HOST_IDTR_BASE, idtr.base);
    vmw(HOST_SYSENTER_CS, 0);
    vmw(HOST_SYSENTER_ESP, 0);
    vmw(HOST_SYSENTER_EIP, 0);
    vmw(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub);
    /* HOST_RSP is written by vmx_enter */

    /* guest state (SDM 24.4, checked by 26.3.1): a 64-bit CPL-0 guest on the host's page tables */
    vmw(GUEST_CR0, read_cr0());
    vmw(GUEST_CR3, host_cr3);
    vmw(GUEST_CR4, read_cr4());
    vmw(GUEST_DR7, 0x400);
    vmw(GUEST_IA32_DEBUGCTL, 0);
    /* access rights (24.4.1 Table 24-2): type, S, DPL, P, AVL, L, D/B, G, bit 16 unusable */
    vmw(GUEST_CS_SELECTOR, 0x08); vmw(GUEST_CS_BASE, 0); vmw(GUEST_CS_LIMIT, 0xffffffff);
    vmw(GUEST_CS_AR, 0xa09b);                     /* code exec/read accessed, P, L, G */
    vmw(GUEST_SS_SELECTOR, 0x10); vmw(GUEST_SS_BASE, 0); vmw(GUEST_SS_LIMIT, 0xffffffff);
    vmw(GUEST_SS_AR, 0xc093);                     /* data read/write accessed, P, D/B, G */
    vmw(GUEST_DS_SELECTOR, 0x10); vmw(GUEST_DS_BASE, 0); vmw(GUEST_DS_LIMIT, 0xffffffff);
    vmw(GUEST_DS_AR, 0xc093);
    vmw(GUEST_ES_SELECTOR, 0x10); vmw(GUEST_ES_BASE, 0); vmw(GUEST_ES_LIMIT, 0xffffffff);
    vmw(GUEST_ES_AR, 0xc093);
    vmw(GUEST_FS_SELECTOR, 0); vmw(GUEST_FS_BASE, 0); vmw(GUEST_FS_LIMIT, 0);
    vmw(GUEST_FS_AR, 0x10000);                    /* unusable */
    vmw(GUEST_GS_SELECTOR, 0); vmw(GUEST_GS_BASE, 0); vmw(GUEST_GS_LIMIT, 0);
    vmw(GUEST_GS_AR, 0x10000);
    vmw(GUEST_LDTR_SELECTOR, 0); vmw(GUEST_LDTR_BASE, 0); vmw(GUEST_LDTR_LIMIT, 0);
    vmw(GUEST_LDTR_AR, 0x10000);
    vmw(GUEST_TR_SELECTOR, tr); vmw(GUEST_TR_BASE, tr_base); vmw(GUEST_TR_LIMIT, tr_limit);
    vmw(GUEST_TR_AR, 0x8b);                       /* busy 64-bit TSS, P (26.3.1.2) */
    vmw(GUEST_GDTR_BASE, gdtr.base); vmw(GUEST_GDTR_LIMIT, gdtr.limit);
    vmw(GUEST_IDTR_BASE, idtr.base); vmw(GUEST_IDTR_LIMIT, idtr.limit);
    vmw(GUEST_SYSENTER_CS, 0); vmw(GUEST_SYSENTER_ESP, 0); vmw(GUEST_SYSENTER_EIP, 0);
    vmw(GUEST_RSP, guest_stack_top);
    vmw(GUEST_RIP, (uint64_t)(uintptr_t)guest_entry);
    vmw(GUEST_RFLAGS, 0x2);                       /* bit 1 is reserved and must be 1 */
    vmw(GUEST_ACTIVITY_STATE, 0);                 /* active */
    vmw(GUEST_INTERRUPTIBILITY, 0);
    vmw(GUEST_PENDING_DBG, 0);
    vmw(VMCS_LINK_POINTER, ~0ull);                /* no shadow VMCS (26.3.1.5) */
}

static void entry_failure(const char *what, long r, uint64_t want_qual, const char *meaning)
{
    kprintf("%s: ", what);
    if (r != STOP_ENTRY_FAILURE) {
        kprintf("no VM-entry failure exit (vmx_enter returned %ld)", r);
        verdict(0, "exit reason 0x80000021");
        return;
    }
    kprintf("exit reason 0x%lx (%s), qualification %lu (%s)", entry_failure_reason,
            exit_name((uint32_t)entry_failure_reason & 0xffff), entry_failure_qualification, meaning);
    verdict(entry_failure_reason == 0x80000021 && entry_failure_qualification == want_qual,
            "exit reason 0x80000021 with the 26.8 qualification");
}

int workload_main(void)
{
    uint32_t id[4];
    kprintf("vmx-basic: a hypervisor in VMX root operation with one nested guest\n");

    cpuid(1, 0, id);
    kprintf("CPUID.1:ECX.VMX[bit 5] = %u\n", (id[2] >> 5) & 1);
    if (!((id[2] >> 5) & 1)) {
        kprintf("vmx-basic: this CPU has no VMX\n");
        return KIT_EXIT_FAIL;
    }

    /* SDM Vol. 3C 24.7 (enabling VMX): VMXON needs IA32_FEATURE_CONTROL locked with bit 2 set;
     * the MSR is zero after reset, so firmware (here: this code) sets and locks it. */
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    kprintf("IA32_FEATURE_CONTROL = 0x%lx (lock %lu, VMX outside SMX %lu)\n", fc, fc & 1, (fc >> 2) & 1);
    if (!(fc & FEATURE_CONTROL_LOCK)) {
        wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON);
        fc = rdmsr(MSR_FEATURE_CONTROL);
        kprintf("IA32_FEATURE_CONTROL: set lock and VMX outside SMX: now 0x%lx\n", fc);
    }
    if (!(fc & FEATURE_CONTROL_VMXON)) {
        kprintf("vmx-basic: VMX is locked off by IA32_FEATURE_CONTROL\n");
        return KIT_EXIT_FAIL;
    }

    /* IA32_VMX_BASIC (SDM A.1): 30:0 revision, 44:32 region size, 53:50 memory type, 55 TRUE_ MSRs */
    uint64_t basic = rdmsr(MSR_VMX_BASIC);
    revision = (uint32_t)basic & 0x7fffffff;
    uint32_t region_size = (uint32_t)(basic >> 32) & 0x1fff;
    int true_ctls = (int)((basic >> 55) & 1);
    kprintf("IA32_VMX_BASIC: revision 0x%x, region size %u, memory type %lu, TRUE_ controls %d\n",
            revision, region_size, (basic >> 50) & 0xf, true_ctls);
    if (region_size > 4096) {
        kprintf("vmx-basic: VMCS region larger than a page\n");
        return KIT_EXIT_FAIL;
    }

    int all = adjust(&pin, true_ctls);  /* one statement each: the print order is fixed */
    all &= adjust(&proc, true_ctls);
    all &= adjust(&exitc, true_ctls);
    all &= adjust(&entry, true_ctls);
    describe(&proc, PROC_HLT_EXITING, "HLT exiting:", true_ctls);
    describe(&proc, PROC_RDTSC_EXITING, "RDTSC exiting:", true_ctls);
    describe(&proc, PROC_CR3_LOAD_EXITING, "CR3-load exiting:", true_ctls);
    describe(&proc, PROC_USE_IO_BITMAPS, "use I/O bitmaps:", true_ctls);
    describe(&proc, PROC_USE_MSR_BITMAPS, "use MSR bitmaps:", true_ctls);
    describe(&exitc, EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size:", true_ctls);
    describe(&entry, ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest:", true_ctls);
    if (!all) {
        kprintf("vmx-basic: a wanted control is not available\n");
        return KIT_EXIT_FAIL;
    }
    uint64_t misc = rdmsr(MSR_VMX_MISC);
    int vmwrite_any = (int)((misc >> 29) & 1);
    kprintf("IA32_VMX_MISC: VMWRITE to any supported field (bit 29) = %d\n", vmwrite_any);

    /* CR0/CR4 in VMX operation: bits set in FIXED0 must be 1, bits clear in FIXED1 must be 0
     * (SDM A.7, A.8); CR4.VMXE enables VMXON (SDM 24.7). */
    uint64_t f0 = rdmsr(MSR_VMX_CR0_FIXED0), f1 = rdmsr(MSR_VMX_CR0_FIXED1);
    uint64_t cr0 = read_cr0(), cr0v = (cr0 | f0) & f1;
    kprintf("CR0: FIXED0 0x%lx FIXED1 0x%lx, bits changed 0x%lx\n", f0, f1, cr0 ^ cr0v);
    write_cr0(cr0v);
    f0 = rdmsr(MSR_VMX_CR4_FIXED0);
    f1 = rdmsr(MSR_VMX_CR4_FIXED1);
    uint64_t cr4 = read_cr4(), cr4v = ((cr4 | f0) & f1) | CR4_VMXE;
    kprintf("CR4: FIXED0 0x%lx, FIXED1 keeps every bit in use %s, bits changed 0x%lx (VMXE)\n",
            f0, (cr4 & ~f1) ? "no" : "yes", cr4 ^ cr4v);
    write_cr4(cr4v);
    host_cr3 = read_cr3();

    /* regions: 4 KiB aligned and identity mapped (physical = linear), revision in bits 30:0 */
    vmxon_region = page();
    vmcs_region = page();
    bad_revision_region = page();
    io_bitmap_a = page();
    io_bitmap_b = page();
    msr_bitmap = page();
    guest_stack_top = page() + PAGE_4K;   /* the guest pushes nothing unless it faults */
    *(uint32_t *)phys_to_virt(vmxon_region) = revision;
    *(uint32_t *)phys_to_virt(vmcs_region) = revision;
    *(uint32_t *)phys_to_virt(bad_revision_region) = (revision + 1) & 0x7fffffff;

    outcome("VMXON", vmxon(vmxon_region), 0);
    outcome("VMCLEAR of the VMCS", vmclear(vmcs_region), 0);
    outcome("VMPTRLD of the VMCS", vmptrld(vmcs_region), 0);
    uint64_t current = 0;
    uint64_t f = vmptrst(&current);
    kprintf("VMPTRST: current VMCS is the one loaded: %s", current == vmcs_region ? "yes" : "no");
    verdict(current == vmcs_region && !(f & (RFLAGS_CF | RFLAGS_ZF)), "VMPTRST stores the current-VMCS pointer");

    kprintf("-- VMX instruction errors (SDM 31.4) --\n");
    outcome("VMPTRLD of a region with revision + 1", vmptrld(bad_revision_region), 11);
    outcome("VMPTRLD of the VMXON region", vmptrld(vmxon_region), 10);
    outcome("VMCLEAR of the VMXON region", vmclear(vmxon_region), 3);
    uint64_t v;
    outcome("VMREAD of encoding 0x1000 (reserved bit 12)", vmread_flags(FIELD_RESERVED_BIT12, &v), 12);
    outcome("VMREAD of encoding 0x10000 (reserved bit 16)", vmread_flags(FIELD_RESERVED_BIT16, &v), 12);
    if (vmwrite_any) {
        outcome("VMWRITE to EXIT_REASON (read-only; IA32_VMX_MISC bit 29 = 1 allows it)",
                vmwrite_flags(EXIT_REASON, 0x1234), 0);
        kprintf("VMREAD of EXIT_REASON after it: 0x%lx", vmr(EXIT_REASON));
        verdict(vmr(EXIT_REASON) == 0x1234, "the value written");
    } else {
        outcome("VMWRITE to EXIT_REASON (read-only; IA32_VMX_MISC bit 29 = 0)",
                vmwrite_flags(EXIT_REASON, 0x1234), 13);
    }
    outcome("VMXON in VMX root operation", vmxon(vmxon_region), 15);
    outcome_enter("VMRESUME of a clear VMCS", vmx_enter(1), 5);

    setup_vmcs();
    kprintf("-- VM-entry checks (SDM 26.2, 26.3, 26.8) --\n");
    vmw(PIN_BASED_CONTROLS, 0);
    outcome_enter("VMLAUNCH with pin-based controls 0 (below allowed-0)", vmx_enter(0), 7);
    vmw(PIN_BASED_CONTROLS, pin.value);
    vmw(HOST_TR_SELECTOR, 0);
    outcome_enter("VMLAUNCH with host TR selector 0", vmx_enter(0), 8);
    vmw(HOST_TR_SELECTOR, host_tr);
    vmw(GUEST_RFLAGS, 0);
    entry_failure("VMLAUNCH with guest RFLAGS bit 1 clear", vmx_enter(0), 0, "default");
    vmw(GUEST_RFLAGS, 0x2);
    vmw(VMCS_LINK_POINTER, bad_revision_region);
    entry_failure("VMLAUNCH with a VMCS link pointer to a region with revision + 1", vmx_enter(0), 4,
                  "VMCS link pointer");
    vmw(VMCS_LINK_POINTER, ~0ull);

    kprintf("-- the nested guest (I/O port 0x%x and MSR 0x%x are in the bitmaps; port 0x%x and"
            " MSR 0xc0000080 are not) --\n", GUEST_OUT_PORT, GUEST_EXIT_MSR, GUEST_IN_PORT);
    memset(&vmx_guest_regs, 0, sizeof(vmx_guest_regs));
    vmx_guest_regs.r12 = host_cr3;      /* the guest's MOV to CR3 writes the host's CR3 back */
    long r = vmx_enter(0);
    kprintf("guest stopped after %d exits", exits);
    verdict(r == STOP_DONE && exits == EXPECTED_EXITS, "9 exits, the last a VMCALL 2");

    outcome_enter("VMLAUNCH of the launched VMCS", vmx_enter(0), 4);
    outcome("VMCLEAR of the VMCS", vmclear(vmcs_region), 0);
    f = vmptrst(&current);
    kprintf("VMPTRST after VMCLEAR: 0x%lx", current);
    verdict(current == ~0ull, "FFFFFFFF_FFFFFFFFH: VMCLEAR of the current VMCS invalidates the pointer");
    outcome("VMXOFF", vmxoff(), 0);
    write_cr4(read_cr4() & ~CR4_VMXE);

    kprintf("vmx-basic: %d checks, %d mismatches with the SDM, %d exits handled\n", checks, mismatches, exits);
    return mismatches ? KIT_EXIT_FAIL : KIT_EXIT_OK;
}
