package org.vtsim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.Platform;

/** The socket forwards every {@link Platform} method, the default ones too (a default left out is a silent bug). */
class PlatformSocketTest {
    @Test
    void everyPlatformMethodIsForwarded() throws Exception {
        for (Method m : Platform.class.getMethods()) {
            Method own = PlatformSocket.class.getMethod(m.getName(), m.getParameterTypes());
            assertEquals(PlatformSocket.class, own.getDeclaringClass(), m.getName() + " is not forwarded");
        }
    }
}
