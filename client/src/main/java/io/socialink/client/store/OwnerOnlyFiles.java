package io.socialink.client.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Writes files only their owner can read (600 in 700 directories, on POSIX file systems), atomically: the bytes go
 * to a fresh owner-only temporary file in the same directory, which then replaces the target in one rename, so a
 * reader (or a restart after a crash) sees either the old or the new content. Concurrent writers of different
 * files do not interfere; concurrent writers of the same file are serialized by the caller.
 */
final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {}

    static void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (posix(directory)) {
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                createDirectories(parent);
            }
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created concurrently
            }
        } else {
            Files.createDirectories(directory);
        }
    }

    static void write(Path target, byte[] bytes) throws IOException {
        // an absolute path of a file always has a parent
        Path directory = Objects.requireNonNull(target.toAbsolutePath().getParent(), "parent");
        createDirectories(directory);
        FileAttribute<?>[] attributes = posix(directory)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(directory, "." + target.getFileName(), ".tmp", attributes);
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The file's bytes, or null when it does not exist. */
    static byte @Nullable [] readIfExists(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
