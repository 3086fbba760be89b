package dev.kordon.dispatch;

import dev.kordon.config.KordonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code smpp} provider: one transmitter session to the operator's SMSC (jsmpp), bound on
 * first use and again after any failure. Texts go as UCS-2 (Cyrillic); one longer than a single
 * SMS goes in the message_payload parameter. Blocking: called only from its own worker thread.
 */
final class SmppSender {
    private static final Logger LOG = LoggerFactory.getLogger(SmppSender.class);
    private static final int SINGLE_SMS_BYTES = 140;

    private final KordonConfig.Smpp config;
    private final long timeoutMs;
    private SMPPSession session;

    SmppSender(KordonConfig.Smpp config, long timeoutMs) {
        this.config = config;
        this.timeoutMs = timeoutMs;
    }

    /** Submits one SMS; returns the SMSC's message id; throws when the SMSC did not take it. */
    String send(String to, String text) throws Exception {
        try {
            SMPPSession s = bound();
            byte[] ucs2 = text.getBytes(StandardCharsets.UTF_16BE);
            boolean single = ucs2.length <= SINGLE_SMS_BYTES;
            OptionalParameter[] extra = single
                    ? new OptionalParameter[0]
                    : new OptionalParameter[] {
                        new OptionalParameter.OctetString(OptionalParameter.Tag.MESSAGE_PAYLOAD.code(), ucs2)
                    };
            return s.submitShortMessage(
                            "",
                            TypeOfNumber.ALPHANUMERIC,
                            NumberingPlanIndicator.UNKNOWN,
                            config.sourceAddr(),
                            TypeOfNumber.INTERNATIONAL,
                            NumberingPlanIndicator.ISDN,
                            to.startsWith("+") ? to.substring(1) : to,
                            new ESMClass(),
                            (byte) 0,
                            (byte) 1,
                            null,
                            null,
                            new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT),
                            (byte) 0,
                            new GeneralDataCoding(Alphabet.ALPHA_UCS2),
                            (byte) 0,
                            single ? ucs2 : new byte[0],
                            extra)
                    .getMessageId();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private SMPPSession bound() throws IOException {
        if (session != null && session.getSessionState().isBound()) {
            return session;
        }
        close();
        SMPPSession s = new SMPPSession();
        s.setTransactionTimer(timeoutMs);
        s.connectAndBind(
                config.host(),
                config.port(),
                new BindParameter(
                        BindType.BIND_TX,
                        config.systemId(),
                        config.password(),
                        "kordon",
                        TypeOfNumber.UNKNOWN,
                        NumberingPlanIndicator.UNKNOWN,
                        null),
                timeoutMs);
        LOG.info("smpp: bound to " + config.host() + ":" + config.port() + " as " + config.systemId());
        session = s;
        return s;
    }

    void close() {
        if (session != null) {
            try {
                if (session.getSessionState() != SessionState.CLOSED) {
                    session.unbindAndClose();
                }
            } catch (RuntimeException ignored) {
                // a broken session is dropped either way
            }
            session = null;
        }
    }
}
