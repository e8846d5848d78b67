import ArgumentParser
import WinnowShared

extension SharedAddress {
    /// The value of a command's `--redis` option, or the option's error.
    static func redisOption(_ text: String) throws -> SharedAddress {
        do throws(SharedError) {
            return try SharedAddress(parsing: text)
        } catch {
            throw ValidationError("--redis \(error.message)")
        }
    }
}
