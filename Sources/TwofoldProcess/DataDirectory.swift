import Foundation

/// Prepares the data folder a daemon keeps its stores in: created with mode 0700 if missing;
/// otherwise it must be a writable directory. Fails with one clear line, never later in the run.
public enum DataDirectory {
    public static func prepare(_ path: String) throws(ProcessError) -> String {
        guard !path.isEmpty else { throw .unusableDirectory(path, reason: "empty path") }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .unusableDirectory(path, reason: "it is not a directory") }
        } else {
            do {
                try manager.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .unusableDirectory(path, reason: "cannot create it")
            }
        }
        guard manager.isWritableFile(atPath: path), manager.isExecutableFile(atPath: path) else {
            throw .unusableDirectory(path, reason: "it is not writable by this user")
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
