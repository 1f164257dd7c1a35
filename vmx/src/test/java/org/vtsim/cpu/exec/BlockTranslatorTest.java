package org.vtsim.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.decode.Decoder;
import org.vtsim.cpu.decode.Insn;

/** Where translated blocks begin and end, and how their code is shared. */
class BlockTranslatorTest {
    /** Decodes {@code hex} (64-bit mode) into a page's entries from offset 0, as execution would. */
    private static Insn[] page(String hex) {
        byte[] code = HexFormat.of().parseHex(hex.replace(" ", ""));
        Insn[] entries = new Insn[4096];
        Decoder d = new Decoder();
        int off = 0;
        while (off < code.length) {
            int at = off;
            Insn i = d.decode(k -> code[at + k] & 0xff, true, true, at);
            entries[at] = i;
            off += i.len;
        }
        return entries;
    }

    @Test
    void aBlockRunsToItsFirstBranchAndIncludesIt() {
        // add rax,rbx ; sub rcx,1 ; jnz -9 ; add rax,rbx
        TranslatedBlock b = BlockTranslator.translate(page("4801d8 4883e901 75f7 4801d8"), 0);
        assertEquals(3, b.length);
    }

    @Test
    void aBlockStopsBeforeAnInstructionThatTouchesSystemState() {
        // add rax,rbx ; add rax,rbx ; pushf (RFLAGS, VM-8086 and IOPL rules) ; add rax,rbx
        TranslatedBlock b = BlockTranslator.translate(page("4801d8 4801d8 9c 4801d8"), 0);
        assertEquals(2, b.length);
        // add rax,rbx ; cpuid (exits in VMX non-root operation) ; add rax,rbx
        assertSame(TranslatedBlock.NONE, BlockTranslator.translate(page("4801d8 0fa2 4801d8"), 0));
    }

    @Test
    void plainGeneralInstructionsJoinABlockAndNearCallsAndReturnsEndIt() {
        // add rax,rbx ; push rax ; imul eax,[rbx],3 ; pop rcx ; call +0 ; add rax,rbx
        TranslatedBlock b = BlockTranslator.translate(page("4801d8 50 6b0303 59 e800000000 4801d8"), 0);
        assertEquals(5, b.length);
        // mov rax,[rsp] ; ret
        assertEquals(2, BlockTranslator.translate(page("488b0424 c3 4801d8"), 0).length);
    }

    @Test
    void aSingleInstructionIsNotWorthABlock() {
        // add rax,rbx ; pushf
        assertSame(TranslatedBlock.NONE, BlockTranslator.translate(page("4801d8 9c"), 0));
        // a block needs decoded successors: nothing follows here
        assertSame(TranslatedBlock.NONE, BlockTranslator.translate(page("4801d8"), 0));
    }

    @Test
    void aBlockHoldsAtMostTheMaximumNumberOfInstructions() {
        TranslatedBlock b = BlockTranslator.translate(page("4801d8".repeat(100)), 0);
        assertEquals(BlockTranslator.MAX_INSTRUCTIONS, b.length);
    }

    @Test
    void identicalRunsShareOneCodeWhateverTheirAddressAndDifferentOperandsDoNot() {
        Insn[] entries = page("4801d8 4801d8 4801d8 4801d8 9c 4801d8 4801d8 4801c8");
        TranslatedBlock first = BlockTranslator.translate(entries, 0);
        TranslatedBlock second = BlockTranslator.translate(entries, 3);
        TranslatedBlock third = BlockTranslator.translate(entries, 6);
        assertEquals(4, first.length);
        assertEquals(3, second.length);
        assertSame(BlockTranslator.translate(entries, 16).code, BlockTranslator.translate(page("4801d8 4801c8"), 0).code);
        assertNotSame(first.code, second.code);
        assertEquals(2, third.length);
        assertSame(third.code, BlockTranslator.translate(page("4801d8 4801d8"), 0).code);
    }
}
