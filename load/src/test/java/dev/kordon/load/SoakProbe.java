package dev.kordon.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What Kordon's process holds, read from /proc as the kernel counts it: open file descriptors, and
 * its TCP sockets (the socket inodes among those descriptors, found in the process's
 * /proc/PID/net/tcp and tcp6), inbound (on Kordon's own ports) and outbound (Postgres, Redis, SMTP,
 * the SMS provider). Listening sockets are left out; CLOSE_WAIT and the like are counted, since a
 * socket the peer closed and Kordon did not is how a connection leak looks.
 */
final class SoakProbe {
    /** Descriptors, and TCP sockets in and out. */
    record Held(int fds, int tcpIn, int tcpOut) {
        int tcp() {
            return tcpIn + tcpOut;
        }
    }

    private static final String LISTEN = "0A";

    private final long pid;
    private final Set<Integer> ownPorts;

    SoakProbe(long pid, Set<Integer> ownPorts) {
        this.pid = pid;
        this.ownPorts = ownPorts;
    }

    Held read() throws IOException {
        int fds = 0;
        Set<String> sockets = new HashSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : dir) {
                fds++;
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed between the listing and the read: not held any more
                }
            }
        }
        int in = 0;
        int out = 0;
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || f[3].equals(LISTEN) || !sockets.contains(f[9])) {
                    continue;
                }
                int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                if (ownPorts.contains(localPort)) {
                    in++;
                } else {
                    out++;
                }
            }
        }
        return new Held(fds, in, out);
    }
}
