package org.vtsim.conformance.differential;

import java.util.function.Consumer;

/** The instruction families the generator draws from, each with the code that emits one of them. */
enum Family {
    MOV(DataMovement::mov),
    MOVZX_MOVSX(DataMovement::movzxMovsx),
    LEA(DataMovement::lea),
    XCHG(DataMovement::xchg),
    BSWAP(DataMovement::bswap),
    CONVERT(DataMovement::convert),
    ADD_SUB(Arithmetic::alu),
    INC_DEC_NEG(Arithmetic::incDecNeg),
    LOGIC(Arithmetic::logic),
    SHIFT(ShiftsAndBits::shift),
    ROTATE(ShiftsAndBits::rotate),
    SHLD_SHRD(ShiftsAndBits::doubleShift),
    BT(ShiftsAndBits::bitTest),
    BSF_BSR(ShiftsAndBits::bitScan),
    TZCNT_LZCNT_POPCNT(ShiftsAndBits::count),
    MUL_IMUL(MulDiv::mul),
    DIV_IDIV(MulDiv::div),
    /** A DIV/IDIV that must raise #DE; only ever the last instruction of a sequence. */
    DIV_FAULT(MulDiv::divFault),
    STRING(StackFlowString::string),
    /** String instructions with the 0x67 prefix (ESI/EDI/ECX; upper halves of RSI/RDI/RCX hold garbage). */
    STRING_ADDR32(StackFlowString::stringAddr32),
    CMOV(StackFlowString::cmov),
    SETCC(StackFlowString::setcc),
    JCC(StackFlowString::jcc),
    PUSH_POP(StackFlowString::pushPop),
    LOCKED(StackFlowString::locked),
    LAHF_SAHF(StackFlowString::lahfSahf),
    FLAG_OPS(StackFlowString::flagOps),
    PUSHF_POPF(StackFlowString::pushfPopf),
    CALL_RET(ControlTransfer::callRet),
    NOP(ControlTransfer::nop),
    /** CMPXCHG and XADD without LOCK, register and memory destinations (but see CMPXCHG_R32). */
    CMPXCHG_XADD(StackFlowString::cmpxchgXadd),
    /** 32-bit CMPXCHG with a register destination: what happens to the upper halves. */
    CMPXCHG_R32(StackFlowString::cmpxchgR32);

    final Consumer<Gen> emitter;

    Family(Consumer<Gen> emitter) {
        this.emitter = emitter;
    }
}
