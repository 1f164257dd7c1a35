package org.vtsim.conformance.differential;

import java.lang.reflect.Proxy;
import org.vtsim.cpu.SystemPort;
import org.vtsim.cpu.UnsupportedFeature;

/**
 * The differential sequences are user-mode integer code and never reach a system unit (segment
 * loads, CRs, MSRs, CPUID, SYSCALL...). If the model routes an instruction there anyway, the run
 * stops as UNSUPPORTED naming the method, and the comparison reports it. A proxy, so the test
 * does not need to follow every change of the {@link SystemPort} interface.
 */
final class NoSystemUnits {
    private NoSystemUnits() {
    }

    static SystemPort create() {
        return (SystemPort) Proxy.newProxyInstance(SystemPort.class.getClassLoader(), new Class<?>[] {SystemPort.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "NoSystemUnits";
                        };
                    }
                    throw new UnsupportedFeature("system unit " + method.getName() + " (not part of the differential test)");
                });
    }
}
