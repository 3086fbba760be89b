package dev.kordon.ops;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a plain {@code java -jar kordon.jar} small. The JVM's defaults size the heap from the
 * machine (a 64th of RAM to start, a quarter at most), and G1 then fills most of that start size
 * with young generation: ~350 MB resident on a 24 GiB node although Kordon's live data is ~60 MB.
 * Once started, Kordon sets G1's manageable free-ratio flags and collects once, so the heap is
 * cut to what is live plus headroom and grows only when collections really cost time; the
 * periodic collection hands memory back after a burst. Flags the operator set on the command
 * line (or in JAVA_TOOL_OPTIONS) are never touched.
 */
public final class HeapSettings {
    /** Manageable flags and the values chosen by measuring a 2-minute sign-in burst (docs/benchmarks.md). */
    static final Map<String, String> CHOSEN = new LinkedHashMap<>();

    static {
        CHOSEN.put("MinHeapFreeRatio", "10");
        CHOSEN.put("MaxHeapFreeRatio", "30");
        CHOSEN.put("G1PeriodicGCInterval", "30000");
    }

    private HeapSettings() {}

    /** Applies the chosen flags the operator left at their defaults; returns what was applied. */
    public static List<String> apply() {
        List<String> applied = new ArrayList<>();
        HotSpotDiagnosticMXBean vm;
        try {
            vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException e) {
            return applied;
        }
        if (vm == null || !"true".equals(value(vm, "UseG1GC"))) {
            return applied;
        }
        for (Map.Entry<String, String> flag : CHOSEN.entrySet()) {
            try {
                VMOption option = vm.getVMOption(flag.getKey());
                if (option.isWriteable() && option.getOrigin() == VMOption.Origin.DEFAULT) {
                    vm.setVMOption(flag.getKey(), flag.getValue());
                    applied.add(flag.getKey() + "=" + flag.getValue());
                }
            } catch (RuntimeException e) {
                // A JVM without this flag keeps its own behaviour.
            }
        }
        if (!applied.isEmpty()) {
            // Start-up garbage (Flyway, templates, the OpenAPI contract) goes, and the heap shrinks to fit.
            System.gc();
        }
        return applied;
    }

    private static String value(HotSpotDiagnosticMXBean vm, String name) {
        try {
            return vm.getVMOption(name).getValue();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
