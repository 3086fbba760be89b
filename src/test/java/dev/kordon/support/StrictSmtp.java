package dev.kordon.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A mail relay with opinions, as real relays have: it refuses some recipients for good (550) and
 * turns some away once for now (451), and accepts the rest. A small SMTP server on loopback, because
 * GreenMail accepts everything.
 */
public final class StrictSmtp implements AutoCloseable {
    private final ServerSocket server;
    private final Set<String> refusedForGood = ConcurrentHashMap.newKeySet();
    private final Set<String> busyOnce = ConcurrentHashMap.newKeySet();
    /** Messages accepted, by recipient. */
    public final Map<String, Integer> accepted = new ConcurrentHashMap<>();
    /** RCPT attempts, by recipient, accepted or not. */
    public final Map<String, Integer> attempts = new ConcurrentHashMap<>();

    public StrictSmtp() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "strict-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public StrictSmtp refuseForGood(String address) {
        refusedForGood.add(address.toLowerCase(Locale.ROOT));
        return this;
    }

    public StrictSmtp busyOnceFor(String address) {
        busyOnce.add(address.toLowerCase(Locale.ROOT));
        return this;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> session(s), "strict-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void session(Socket socket) {
        try (socket;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8)) {
            reply(out, "220 strict-smtp ready");
            String rcpt = null;
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                    reply(out, "250 strict-smtp");
                } else if (upper.startsWith("MAIL FROM")) {
                    rcpt = null;
                    reply(out, "250 OK");
                } else if (upper.startsWith("RCPT TO")) {
                    String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'))
                            .toLowerCase(Locale.ROOT);
                    attempts.merge(address, 1, Integer::sum);
                    if (refusedForGood.contains(address)) {
                        reply(out, "550 5.1.1 mailbox unavailable");
                    } else if (busyOnce.remove(address)) {
                        reply(out, "451 4.3.2 try again later");
                    } else {
                        rcpt = address;
                        reply(out, "250 OK");
                    }
                } else if (upper.equals("DATA")) {
                    if (rcpt == null) {
                        reply(out, "503 5.5.1 no valid recipient");
                        continue;
                    }
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message body is not kept
                    }
                    accepted.merge(rcpt, 1, Integer::sum);
                    reply(out, "250 OK queued");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "250 OK"); // RSET, NOOP
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the client went away
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
