import ArgumentParser
import Foundation
import TernEngine
import TernStore

/// Options of the commands that manage the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $TERN_HOME or ~/.tern).")
    var dataDir: String?

    /// Opens `<data-dir>/tern.sqlite`, creating the directory and schema if needed.
    func open() throws -> TernStore {
        let directory = DataDirectory.resolve(dataDir)
        try directory.create()
        return try TernStore(path: directory.database.path)
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; prints only the token, once.",
            discussion: """
                Without --user, the token gets a user of its own (named token-<prefix>) whose default \
                and only team is --team: the token runs and is billed as that team, and X-Friendli-Team \
                naming any other team is refused (403).

                With --user U, the token belongs to U and can act for every team of U: a new U is \
                created with --team as default team; an existing U joins --team (its default team \
                stays) or, without --team, keeps its teams.

                Without --team the team is `default`, created if it does not exist yet.
                """)
        @OptionGroup var store: StoreOptions
        @Option(name: .long, help: "Team (id or name) the token acts for (default: `default`, created if needed).")
        var team: String?
        @Option(name: .long, help: "What the token is for.")
        var name: String = "cli"
        @Option(
            name: .long,
            help: "Give the token to this user (created if needed) instead of a new user of its own.")
        var user: String?

        func run() async throws {
            let store = try store.open()
            let created =
                if let user {
                    try await store.createToken(user: user, team: team, name: name)
                } else {
                    try await store.createToken(team: team, name: name)
                }
            print(created.plaintext)
            let teams = created.info.teams.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(
                Data("token \(created.info.id) for user \(created.info.userName) (teams: \(teams))\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tokens = try await store.open().listTokens()
            print("ID\tNAME\tPREFIX\tUSER\tTEAMS\tCREATED\tLAST USED\tSTATUS")
            for token in tokens {
                let teams = token.teams.map(\.name).joined(separator: ",")
                let status = token.isRevoked ? "revoked" : "active"
                print(
                    "\(token.id)\t\(token.name)\t\(token.displayPrefix)…\t\(token.userName)\t\(teams)\t"
                        + "\(Self.format(token.createdAt))\t\(token.lastUsedAt.map(Self.format) ?? "-")\t\(status)")
            }
        }

        static func format(_ date: Date) -> String { date.ISO8601Format() }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token id (see `tern token list`).")
        var id: Int64

        func run() async throws {
            let token = try await store.open().revokeToken(id: id)
            print("revoked token \(token.id) (\(token.name))")
        }
    }
}

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Manage teams.", subcommands: [Create.self, List.self, AddUser.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The team name.")
        var name: String

        func run() async throws {
            let team = try await store.open().createTeam(name: name)
            print("\(team.id)\t\(team.name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            for team in try await store.open().listTeams() { print("\(team.id)\t\(team.name)") }
        }
    }

    struct AddUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Add a user to a team.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The team (id or name).")
        var team: String
        @Argument(help: "The user name (created if needed).")
        var user: String

        func run() async throws {
            let info = try await store.open().addUser(user, toTeam: team)
            print("\(info.name): \(info.teams.map(\.name).joined(separator: ", "))")
        }
    }
}

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Show usage per team: requests, tokens, errors, by model.")
    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Only this team (id or name).")
    var team: String?
    @Option(name: .long, help: "Only the last N hours.")
    var hours: Double?

    func run() async throws {
        let from = hours.map { Date().addingTimeInterval(-$0 * 3600) }
        let summaries = try await store.open().usageSummary(from: from, to: nil, team: team)
        if summaries.isEmpty { print("no usage recorded") }
        for summary in summaries {
            let totals = summary.totals
            print(
                "team \(summary.teamName ?? "(none: refused at authentication)"): \(totals.requests) requests, "
                    + "\(totals.promptTokens) prompt + \(totals.completionTokens) completion tokens, \(totals.errors) errors"
            )
            for model in summary.byModel {
                print(
                    "  \(model.model): \(model.totals.requests) requests, \(model.totals.promptTokens) prompt + "
                        + "\(model.totals.completionTokens) completion tokens, \(model.totals.errors) errors")
            }
        }
    }
}
