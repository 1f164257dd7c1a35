package org.vtsim.platform.boot;

/**
 * A boot module (an {@code --initrd FILE}) and its command line. To match QEMU, whose
 * {@code -initrd "FILE args"} passes "FILE args" as the module string, give the file name
 * followed by any arguments.
 */
public record BootModule(String name, byte[] data, String cmdline) {
    public BootModule {
        data = data.clone();
    }
}
