package org.vtsim.platform.boot;

/**
 * A piece of an image to place in guest memory: {@code fileSize} bytes from {@code fileOffset}
 * at physical address {@code paddr}, followed by zeros up to {@code memSize} (the bss).
 * {@code vaddr} is where the image expects it when paging maps it (used to translate the entry
 * point). {@code index} names it in error messages.
 */
public record LoadSegment(int index, long fileOffset, long paddr, long vaddr, long fileSize, long memSize) {
    public long end() {
        return paddr + memSize;
    }
}
