package dev.kordon.support;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Log lines and secrets, both only ever added, and which secrets appear in which lines. A scan looks
 * only at the pairs new since the last one (new lines against every secret, earlier lines against
 * new secrets), so each (line, secret) pair is matched once in a run, however often it is asked:
 * asking at every rig's close over the whole log grew with the square of the run.
 */
final class LeakScan {
    private final List<String> lines = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private final Set<String> known = new HashSet<>();
    private final Set<String> leaked = new LinkedHashSet<>();
    private int linesScanned;
    private int secretsScanned;

    void line(String line) {
        synchronized (lines) {
            lines.add(line);
        }
    }

    void secret(String secret) {
        synchronized (lines) {
            if (known.add(secret)) {
                secrets.add(secret);
            }
        }
    }

    /** Every secret seen in any line so far, in the order found. */
    synchronized List<String> leaks() {
        List<String> newLines;
        List<String> oldLines;
        List<String> allSecrets;
        List<String> newSecrets;
        synchronized (lines) {
            newLines = new ArrayList<>(lines.subList(linesScanned, lines.size()));
            oldLines = new ArrayList<>(lines.subList(0, linesScanned));
            allSecrets = new ArrayList<>(secrets);
            newSecrets = new ArrayList<>(secrets.subList(secretsScanned, secrets.size()));
        }
        leaked.addAll(found(newLines, allSecrets));
        leaked.addAll(found(oldLines, newSecrets));
        linesScanned += newLines.size();
        secretsScanned = allSecrets.size();
        return List.copyOf(leaked);
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    private static List<String> found(List<String> lines, List<String> secrets) {
        List<String> found = new ArrayList<>();
        for (String s : secrets) {
            Pattern token = isDigits(s) ? token(s) : null;
            for (String line : lines) {
                if (line.contains(s) && (token == null || token.matcher(line).find())) {
                    found.add(s);
                    break;
                }
            }
        }
        return found;
    }

    /**
     * A digits-only secret (an SMS code) counts only as a token of its own: not inside a longer
     * number, nor inside a word such as a hex request id, where six digits in a row occur by chance.
     */
    static boolean appears(String line, String secret) {
        if (!isDigits(secret)) {
            return line.contains(secret);
        }
        return line.contains(secret) && token(secret).matcher(line).find();
    }

    private static Pattern token(String digits) {
        return Pattern.compile("(?<![0-9A-Za-z])" + digits + "(?![0-9A-Za-z])");
    }

    private static boolean isDigits(String secret) {
        return secret.chars().allMatch(Character::isDigit);
    }
}
