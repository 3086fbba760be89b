package dev.kordon.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.MessageId;

/** A stand-in for the operator's SMSC: a real SMPP server (jsmpp) that records what it is given. */
public final class SmscStub implements AutoCloseable {
    public record Sms(String to, String text) {}

    public final List<Sms> received = new CopyOnWriteArrayList<>();
    private final SMPPServerSessionListener listener;
    private final AtomicInteger ids = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean open = true;

    public SmscStub(int port) throws java.io.IOException {
        listener = new SMPPServerSessionListener(port);
        listener.setTimeout(500);
        acceptor = new Thread(this::acceptLoop, "smsc-stub");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (open) {
            try {
                SMPPServerSession session = listener.accept();
                session.setMessageReceiverListener(new Receiver());
                BindRequest bind = session.waitForBind(5000);
                bind.accept("smsc-stub");
            } catch (java.net.SocketTimeoutException timeout) {
                // poll the open flag
            } catch (Exception e) {
                if (!open) {
                    return;
                }
            }
        }
    }

    public List<Sms> to(String phoneDigits) {
        return received.stream().filter(s -> s.to().equals(phoneDigits)).toList();
    }

    @Override
    public void close() throws java.io.IOException {
        open = false;
        listener.close();
    }

    private final class Receiver implements ServerMessageReceiverListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm sm, SMPPServerSession source) throws ProcessRequestException {
            byte[] body = sm.getShortMessage();
            if (body == null || body.length == 0) {
                OptionalParameter payload = sm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD);
                body = payload == null ? new byte[0] : ((OptionalParameter.OctetString) payload).getValue();
            }
            received.add(new Sms(sm.getDestAddress(), new String(body, StandardCharsets.UTF_16BE)));
            try {
                return new SubmitSmResult(
                        new MessageId(Integer.toHexString(ids.incrementAndGet())), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), 8);
            }
        }

        @Override
        public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti m, SMPPServerSession s)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public QuerySmResult onAcceptQuerySm(QuerySm q, SMPPServerSession s) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public void onAcceptReplaceSm(ReplaceSm r, SMPPServerSession s) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public void onAcceptCancelSm(CancelSm c, SMPPServerSession s) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm b, SMPPServerSession s)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public void onAcceptCancelBroadcastSm(CancelBroadcastSm c, SMPPServerSession s) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm q, SMPPServerSession s)
                throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm d, Session s) throws ProcessRequestException {
            throw new ProcessRequestException("not supported", 3);
        }
    }
}
