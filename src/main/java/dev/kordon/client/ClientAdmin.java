package dev.kordon.client;

import dev.kordon.audit.Audit;
import dev.kordon.problem.Failure;
import dev.kordon.problem.FlowException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What an operator does with clients, from the admin API or the command line: each change checked
 * ({@link ClientMetadata}), stored ({@link ClientRegistry}) and written to the audit trail, which
 * names the client and never its secret.
 */
public final class ClientAdmin {
    private final ClientRegistry registry;
    private final Audit audit;

    public ClientAdmin(ClientRegistry registry, Audit audit) {
        this.registry = registry;
        this.audit = audit;
    }

    public ClientRegistry registry() {
        return registry;
    }

    /**
     * Creates or replaces the client {@code clientId} from its RFC 7591 metadata; a 400
     * {@link FlowException} names each field at fault. {@code ip}: the operator's, null from the
     * command line.
     */
    public Future<ClientRegistry.Saved> save(String clientId, JsonObject metadata, boolean rotateSecret, String ip) {
        OidcClient client;
        try {
            client = ClientMetadata.parse(clientId, metadata);
        } catch (FlowException e) {
            return Future.failedFuture(e);
        }
        return registry.put(client, rotateSecret).onSuccess(saved -> saved(saved, ip, "operator"));
    }

    /** The audit events of a save: always client.saved; client.secret_rotated when an existing client got a new secret. */
    void saved(ClientRegistry.Saved saved, String ip, String source) {
        String id = saved.client().clientId();
        audit.record(
                Audit.CLIENT_SAVED,
                null,
                null,
                null,
                ip,
                new JsonObject()
                        .put(ClientMetadata.CLIENT_ID, id)
                        .put("created", saved.created())
                        .put("public", saved.client().isPublic())
                        .put("source", source));
        if (!saved.created() && saved.secret() != null) {
            audit.record(
                    Audit.CLIENT_SECRET_ROTATED,
                    null,
                    null,
                    null,
                    ip,
                    new JsonObject().put(ClientMetadata.CLIENT_ID, id));
        }
    }

    /** The client, or a 404 {@link FlowException}. */
    public Future<OidcClient> show(String clientId) {
        return registry.find(clientId).map(found -> found.orElseThrow(() -> new FlowException(Failure.NOT_FOUND)));
    }

    public Future<List<OidcClient>> list() {
        return registry.list();
    }

    /** Deletes the client, or fails with a 404 {@link FlowException} when there is none. */
    public Future<Void> delete(String clientId, String ip) {
        return registry.delete(clientId).compose(gone -> {
            if (!gone) {
                return Future.failedFuture(new FlowException(Failure.NOT_FOUND));
            }
            audit.record(
                    Audit.CLIENT_DELETED,
                    null,
                    null,
                    null,
                    ip,
                    new JsonObject().put(ClientMetadata.CLIENT_ID, clientId));
            return Future.succeededFuture();
        });
    }
}
