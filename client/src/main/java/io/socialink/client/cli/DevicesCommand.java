package io.socialink.client.cli;

import io.socialink.client.api.DeviceInfo;
import io.socialink.client.api.DeviceList;
import io.socialink.client.store.StoredProfile;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists a user's active devices, one line each: {@code userId.deviceId registrationId=N createdAt=T}. */
@Command(name = "devices", description = "List the active devices of a user.")
final class DevicesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "Whose devices to list.")
    String userId;

    @Override
    public Integer call() {
        StoredProfile profile = profileOptions.load();
        DeviceList list = profileOptions.client(profile).devices(profile.credentials(), userId);
        PrintWriter out = spec.commandLine().getOut();
        for (DeviceInfo device : list.devices()) {
            out.println(list.userId() + "." + device.deviceId() + " registrationId=" + device.registrationId()
                    + (device.createdAt() == null ? "" : " createdAt=" + device.createdAt()));
        }
        return 0;
    }
}
