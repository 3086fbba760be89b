package dev.kordon.guard;

import java.net.InetAddress;

/**
 * Client addresses as throttles count them. One address has one spelling ({@code 2001:0db8:0:0::1}
 * and {@code 2001:db8::1} are the same client; {@code ::ffff:192.0.2.1} is {@code 192.0.2.1}), and an
 * IPv6 client is counted by its block ({@code http.ipv6-prefix}, /64 by default): one subscriber line
 * is handed a whole /64, so counting its addresses one by one would give it billions of budgets.
 */
public final class IpAddress {
    private IpAddress() {}

    /** The canonical spelling (IPv4 dotted, IPv6 as RFC 5952), or the input unchanged if it is no address literal. */
    public static String canonical(String ip) {
        byte[] b = bytes(ip);
        return b == null ? ip : format(b);
    }

    /**
     * What a throttle keys by: an IPv4 address itself, an IPv6 address's block of {@code v6Prefix}
     * bits written {@code network/prefix}; anything that is no address literal, unchanged.
     */
    public static String block(String ip, int v6Prefix) {
        byte[] b = bytes(ip);
        if (b == null) {
            return ip;
        }
        if (b.length == 4 || v6Prefix >= 128) {
            return format(b);
        }
        for (int bit = v6Prefix; bit < 128; bit++) {
            b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return format(b) + "/" + v6Prefix;
    }

    /** The address's bytes (4, or 16 for IPv6 that is not IPv4-mapped), or null for anything else. */
    public static byte[] bytes(String ip) {
        if (ip == null) {
            return null;
        }
        String s = ip.trim();
        int scope = s.indexOf('%');
        if (scope > 0) {
            s = s.substring(0, scope);
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        // A literal only: getByName never resolves a name here.
        boolean literal = s.indexOf(':') >= 0 ? s.length() <= 45 && hexColonsDots(s) : dottedQuad(s);
        if (!literal) {
            return null;
        }
        try {
            // Java gives an IPv4-mapped IPv6 literal back as the IPv4 address's 4 bytes.
            return InetAddress.getByName(s).getAddress();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Whether {@code s} is only hex digits, colons and dots (an IPv6 literal's alphabet). A scan, not
     * a regular expression: every request's client address passes here.
     */
    public static boolean hexColonsDots(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** Four groups of one to three ASCII digits, separated by dots. */
    static boolean dottedQuad(String s) {
        int groups = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && groups < 3) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    private static String format(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
