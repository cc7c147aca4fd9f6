package io.socialink.gateway.auth;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated device; its principal is the {@link DeviceAddress}, its name the address text. */
public final class DeviceAuthentication extends AbstractAuthenticationToken {

    public static final String AUTHORITY = "DEVICE";

    private final DeviceAddress device;

    public DeviceAuthentication(DeviceAddress device) {
        super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
        this.device = device;
        super.setAuthenticated(true);
    }

    @Override
    public @Nullable Object getCredentials() {
        return null;
    }

    @Override
    public DeviceAddress getPrincipal() {
        return device;
    }

    @Override
    public String getName() {
        return device.toString();
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("create a new DeviceAuthentication instead");
        }
        super.setAuthenticated(false);
    }
}
