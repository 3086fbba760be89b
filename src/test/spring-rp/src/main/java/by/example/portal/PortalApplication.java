package by.example.portal;

import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A portal's smallest shape: every page needs a sign-in through the one registration of the
 * configuration ("kordon"), and the front page shows who signed in, as the ID token says. Plain
 * text, so nothing in a claim can be read as markup.
 */
@SpringBootApplication
@RestController
public class PortalApplication {
    public static void main(String[] args) {
        SpringApplication.run(PortalApplication.class, args);
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(pages -> pages.anyRequest().authenticated())
                .oauth2Login(Customizer.withDefaults());
        return http.build();
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    String who(@AuthenticationPrincipal OidcUser user) {
        OidcIdToken id = user.getIdToken();
        List<String> amr = id.getAuthenticationMethods();
        return "sub: " + id.getSubject() + "\n"
                + "phone_number: " + id.getPhoneNumber() + "\n"
                + "amr: " + (amr == null ? "" : String.join(" ", amr)) + "\n";
    }
}
