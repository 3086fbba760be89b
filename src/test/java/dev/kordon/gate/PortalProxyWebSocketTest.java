package dev.kordon.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.support.Rig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * WebSockets through the proxy: signed in, the handshake reaches the portal with Kordon's identity and
 * the connection outlives the answer timeout; not signed in, it is refused before the portal.
 */
class PortalProxyWebSocketTest extends PortalProxyFixture {
    static Future<WebSocket> webSocket(WebSocketClient client, String bearer) {
        var options =
                new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/portal/ws");
        if (bearer != null) {
            options.addHeader("Authorization", "Bearer " + bearer);
        }
        return client.connect(options);
    }

    @Test
    void aWebSocketPassesThroughSignedInAndOutlivesTheAnswerTimeout() throws Exception {
        String at = accessToken();
        handshakes.clear();
        WebSocketClient client = rig.vertx.createWebSocketClient();
        try {
            BlockingQueue<String> got = new ArrayBlockingQueue<>(8);
            WebSocket ws = Rig.await(webSocket(client, at));
            ws.textMessageHandler(got::add);
            Rig.await(ws.writeTextMessage("hello"));
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hello");
            MultiMap handshake = handshakes.poll(5, TimeUnit.SECONDS);
            assertThat(handshake).isNotNull();
            assertThat(handshake.get("X-Kordon-Subject")).isEqualTo(subject);
            assertThat(handshake.get("X-Kordon-Login")).isEqualTo(PHONE);
            assertThat(handshake.get("Authorization")).isNull();
            // Silent for longer than proxy.timeout: an open WebSocket is not an answer being waited for.
            Thread.sleep(TIMEOUT_MS + 500);
            Rig.await(ws.writeTextMessage("still there"));
            assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:still there");
            Rig.await(ws.close());
        } finally {
            Rig.await(client.close());
        }
    }

    @Test
    void aWebSocketThatIsNotSignedInIsRefusedAndNeverReachesThePortal() throws Exception {
        handshakes.clear();
        WebSocketClient client = rig.vertx.createWebSocketClient();
        try {
            Promise<Throwable> refused = Promise.promise();
            webSocket(client, null).onComplete(ar -> refused.complete(ar.cause()));
            Throwable err = Rig.await(refused.future());
            assertThat(err).isInstanceOf(UpgradeRejectedException.class);
            assertThat(((UpgradeRejectedException) err).getStatus()).isEqualTo(401);
            assertThat(handshakes.poll(300, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            Rig.await(client.close());
        }
    }
}
