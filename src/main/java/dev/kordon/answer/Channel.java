package dev.kordon.answer;

/**
 * Whom a sign-in answers: the API takes tokens ({@link Answer}), the pages a browser session
 * ({@link PageAnswer}); a change that is due is answered alike on both.
 */
public final class Channel<A> {
    public static final Channel<Answer> API = new Channel<>(Answer.class);
    /** No refresh family for the pages: the browser session is their one credential. */
    public static final Channel<PageAnswer> PAGE = new Channel<>(PageAnswer.class);

    private final Class<A> type;

    private Channel(Class<A> type) {
        this.type = type;
    }

    public A answer(Object answer) {
        return type.cast(answer);
    }
}
