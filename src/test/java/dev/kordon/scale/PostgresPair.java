package dev.kordon.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Postgres primary and its streaming replica from the machine's own binaries, as CloudNativePG
 * runs them: synchronous replication (a commit returns once the replica has the WAL, so an
 * acknowledged write survives losing the primary), a replication role, the replica made by
 * {@code pg_basebackup -R}. The primary can be killed (SIGKILL, the whole process tree: a lost pod)
 * and the replica promoted.
 */
final class PostgresPair implements AutoCloseable {
    static final String DB = "kordon";
    static final String APP_NAME = "replica1";
    private static final String PASSWORD = "postgres";
    private static final String REPL_USER = "replicator";
    private static final String REPL_PASSWORD = "repl-Quartz-5521";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    final Path bin;
    final Path dir;
    final int primaryPort = Procs.freePort();
    final int replicaPort = Procs.freePort();
    private final Path primary;
    private final Path replica;
    private volatile boolean primaryKilled;

    private PostgresPair(Path bin, Path dir) {
        this.bin = bin;
        this.dir = dir;
        this.primary = dir.resolve("primary");
        this.replica = dir.resolve("replica");
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb, pg_ctl and pg_basebackup. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Stream.of("initdb", "pg_ctl", "pg_basebackup", "postgres")
                            .allMatch(t -> Files.isExecutable(b.resolve(t))))
                    .max(Comparator.comparingInt(PostgresPair::major));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Both up, the replica streaming and synchronous, database {@link #DB} made on the primary. */
    static PostgresPair start(Path bin, Path parent) throws Exception {
        // initdb refuses root: the servers run as postgres, who must reach and own their directories.
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(parent.resolve("pg"));
        PostgresPair pair = new PostgresPair(bin, dir);
        try {
            if (ROOT) {
                run(List.of("chown", "postgres:postgres", dir.toString()), dir.resolve("chown.log"));
            }
            pair.startPrimary();
            pair.startReplica();
            Procs.await("the replica streaming as a synchronous standby", Duration.ofSeconds(60), pair::syncStreaming);
            return pair;
        } catch (Exception e) {
            pair.close();
            throw e;
        }
    }

    private void startPrimary() throws Exception {
        Path pw = dir.resolve("pwfile");
        Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
        chown(pw);
        pg(
                dir.resolve("initdb.log"),
                "initdb",
                "-D",
                primary.toString(),
                "-U",
                "postgres",
                "--pwfile=" + pw,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C");
        append(
                primary.resolve("postgresql.conf"),
                "listen_addresses = '127.0.0.1'",
                "port = " + primaryPort,
                "unix_socket_directories = '" + primary + "'",
                "wal_level = replica",
                "max_wal_senders = 5",
                "wal_keep_size = '64MB'",
                // No commit is acknowledged before the replica has flushed its WAL.
                "synchronous_standby_names = '" + APP_NAME + "'",
                "synchronous_commit = on",
                "logging_collector = off");
        Files.writeString(
                primary.resolve("pg_hba.conf"),
                String.join(
                        "\n",
                        "local all all trust",
                        "host all all 127.0.0.1/32 scram-sha-256",
                        "host replication " + REPL_USER + " 127.0.0.1/32 scram-sha-256",
                        ""),
                StandardCharsets.UTF_8);
        pgCtlStart(primary);
        try (Connection c = connect(primaryPort, "postgres");
                Statement s = c.createStatement()) {
            // No standby exists yet to acknowledge these.
            s.execute("SET synchronous_commit = local");
            s.execute("CREATE ROLE " + REPL_USER + " WITH REPLICATION LOGIN PASSWORD '" + REPL_PASSWORD + "'");
            s.execute("CREATE DATABASE " + DB);
        }
    }

    private void startReplica() throws Exception {
        String conninfo = "host=127.0.0.1 port=" + primaryPort + " user=" + REPL_USER + " password=" + REPL_PASSWORD
                + " application_name=" + APP_NAME;
        pg(
                dir.resolve("basebackup.log"),
                "pg_basebackup",
                "-d",
                conninfo,
                "-D",
                replica.toString(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast");
        // postgresql.auto.conf wins over postgresql.conf, and its last line over earlier ones.
        append(
                replica.resolve("postgresql.auto.conf"),
                "port = " + replicaPort,
                "unix_socket_directories = '" + replica + "'",
                "primary_conninfo = '" + conninfo + "'",
                // Once promoted it has no standby of its own; waiting for one would stop every commit.
                "synchronous_standby_names = ''");
        pgCtlStart(replica);
    }

    private boolean syncStreaming() {
        try (Connection c = connect(primaryPort, "postgres");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery("SELECT state, sync_state FROM pg_stat_replication WHERE application_name = '"
                                + APP_NAME + "'")) {
            return r.next() && "streaming".equals(r.getString(1)) && "sync".equals(r.getString(2));
        } catch (Exception e) {
            return false;
        }
    }

    /** SIGKILL to the primary's postmaster and every process under it, at once; when it was sent. */
    long killPrimary() throws IOException {
        long pid = postmasterPid(primary);
        ProcessHandle postmaster =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        long at = System.nanoTime();
        primaryKilled = true;
        postmaster.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        Procs.await(
                "the primary's processes gone",
                Duration.ofSeconds(10),
                () -> !postmaster.isAlive() && all.stream().noneMatch(ProcessHandle::isAlive));
        return at;
    }

    /** {@code pg_ctl promote -w}: returns once the replica takes writes. */
    void promoteReplica() throws Exception {
        pg(dir.resolve("promote.log"), "pg_ctl", "promote", "-w", "-t", "60", "-D", replica.toString());
    }

    String jdbc(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DB + "?user=postgres&password=" + PASSWORD;
    }

    /** Kordon's pg.url, through {@code port} (the service address). */
    static String pgUrl(int port) {
        return "postgresql://postgres:" + PASSWORD + "@127.0.0.1:" + port + "/" + DB;
    }

    static Connection connect(int port, String db) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=postgres&password="
                + PASSWORD + "&connectTimeout=5&socketTimeout=30");
    }

    private void pgCtlStart(Path data) throws Exception {
        pg(
                dir.resolve("pg_ctl-" + data.getFileName() + ".log"),
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                data.toString(),
                "-l",
                dir.resolve(data.getFileName() + "-server.log").toString());
    }

    private void pg(Path log, String tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (ROOT) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.add(bin.resolve(tool).toString());
        cmd.addAll(List.of(args));
        run(cmd, log);
    }

    private static void run(List<String> cmd, Path log) throws Exception {
        if (!Files.exists(log)) {
            Files.createFile(log);
            chown(log);
        }
        Process p = Procs.start(new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            Procs.kill(p);
            throw new IllegalStateException(String.join(" ", cmd) + " still running after 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + Procs.tail(log, 30));
        }
    }

    private static void chown(Path file) throws Exception {
        if (ROOT) {
            Process p = new ProcessBuilder("chown", "postgres:postgres", file.toString()).start();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void append(Path file, String... lines) throws IOException {
        Files.writeString(
                file, "\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static long postmasterPid(Path data) throws IOException {
        return Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    }

    /** Both servers down, whatever state they are in; a postmaster that will not go is killed. */
    @Override
    public void close() {
        for (Path data : List.of(replica, primary)) {
            // A killed primary leaves its pid file: nothing for pg_ctl to stop there.
            if (!Files.exists(data.resolve("postmaster.pid")) || (data.equals(primary) && primaryKilled)) {
                continue;
            }
            ScaleStack.quietly(
                    () -> pg(dir.resolve("stop.log"), "pg_ctl", "stop", "-m", "immediate", "-D", data.toString()));
            ScaleStack.quietly(() -> {
                if (Files.exists(data.resolve("postmaster.pid"))) {
                    // Only a postmaster of ours: a stale pid file may name a process that is not.
                    ProcessHandle.of(postmasterPid(data))
                            .filter(h -> h.info().command().orElse("").startsWith(bin.toString()))
                            .ifPresent(h -> {
                                h.descendants().forEach(ProcessHandle::destroyForcibly);
                                h.destroyForcibly();
                            });
                }
            });
        }
    }
}
