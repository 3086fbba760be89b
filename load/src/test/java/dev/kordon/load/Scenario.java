package dev.kordon.load;

import java.nio.file.Path;
import java.util.List;

/** One scenario: what it recorded, when, Kordon's peak RSS meanwhile, Gatling's report. */
record Scenario(String name, List<Recorder.Sample> samples, long startMs, long endMs, double peakRssMb, Path report) {}
