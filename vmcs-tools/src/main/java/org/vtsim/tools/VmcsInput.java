package org.vtsim.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.vtsim.vmx.vmcs.VmcsJson;
import org.vtsim.vmx.vmcs.VmcsJsonException;

/** Reads a VMCS JSON file (docs/vmcs-tools.md), turning every problem into one line for the user. */
final class VmcsInput {
    /** An input problem, reported as "vtsim: FILE: message" with exit status {@link ExitStatus#USAGE}. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    private VmcsInput() {
    }

    static VmcsJson.Document read(Path file) throws BadInput {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInput(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new BadInput(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        }
        try {
            return VmcsJson.parse(text);
        } catch (VmcsJsonException e) {
            throw new BadInput(file + ": " + e.getMessage());
        }
    }
}
