package org.vtsim.platform.boot;

/**
 * A boot image that cannot be loaded: not a multiboot or ELF image, malformed, truncated, or not
 * fitting in guest RAM. The message is one line, "IMAGE: problem", fit to show the user as is.
 */
public final class BootImageException extends Exception {
    public BootImageException(String image, String problem) {
        super(image + ": " + problem);
    }
}
