//! Writes a synthetic AWS organisation for benchmarks and demos at scale.
//!
//! ```sh
//! cargo run --release --example gen_org -- --accounts 100 --roles-per-account 1000 \
//!     --users-per-account 200 --out org.json
//! cargo run --release --example gen_org -- --accounts 10 --roles-per-account 100 \
//!     --per-account --out exports/      # one authorization-details file per account
//! cargo run --release --example gen_org -- --profile realistic --roles 20000 \
//!     --out account.json                 # one real-shaped account export
//! cargo run --release --example gen_org -- --profile dense --roles 20000 \
//!     --out dense.json                   # a dense organisation (broad grants, wide trusts)
//! ```

#[path = "gen_org/dense.rs"]
mod dense;
#[path = "gen_org/org.rs"]
mod org;
#[path = "gen_org/realistic.rs"]
mod realistic;

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// The shape of the data to write.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Profile {
    /// An organisation bundle: many accounts, one policy version each, small AWS managed
    /// policies
    Org,
    /// One account's `get-account-authorization-details` export as the AWS CLI prints it:
    /// every version of each customer managed policy, large AWS managed policies, realistic
    /// attachment counts, instance profiles, users and groups (`--roles` sets its size)
    Realistic,
    /// A dense organisation bundle, one account per 10,000 roles (at least two): hundreds of
    /// principals allowed `sts:AssumeRole` on `*`, thousands of roles trusting an account
    /// root, organisation-wide and cross-account trusts, trusts listing thousands of
    /// principals (`--roles` sets its size)
    Dense,
}

/// Write a synthetic organisation in rolescope's bundle format (or one export per account)
#[derive(Debug, Parser)]
struct Args {
    /// What to write
    #[arg(long, value_enum, default_value_t = Profile::Org)]
    profile: Profile,
    /// Roles in the realistic profile's account (the dense profile's organisation)
    #[arg(long, default_value_t = 20_000)]
    roles: usize,
    /// Number of accounts
    #[arg(long, default_value_t = 10)]
    accounts: usize,
    /// Roles in each account
    #[arg(long, default_value_t = 100)]
    roles_per_account: usize,
    /// IAM users in each account
    #[arg(long, default_value_t = 20)]
    users_per_account: usize,
    /// Seed: the same seed gives the same organisation
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write one get-account-authorization-details file per account into the directory --out
    #[arg(long)]
    per_account: bool,
    /// Output file (or directory with --per-account)
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Profile::Dense = args.profile {
        let spec = dense::Spec {
            roles: args.roles,
            seed: args.seed,
        };
        let result = std::fs::File::create(&args.out)
            .and_then(|f| dense::write_bundle(&spec, &mut BufWriter::new(f)));
        return match result {
            Ok(()) => {
                eprintln!(
                    "wrote a dense organisation of {} accounts and {} roles to {}",
                    dense::accounts(&spec),
                    spec.roles,
                    args.out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", args.out.display());
                ExitCode::from(2)
            }
        };
    }
    if let Profile::Realistic = args.profile {
        let spec = realistic::Spec {
            roles: args.roles,
            seed: args.seed,
        };
        let result = std::fs::File::create(&args.out)
            .and_then(|f| realistic::write_export(&spec, &mut BufWriter::new(f)));
        return match result {
            Ok(()) => {
                eprintln!(
                    "wrote one account export of {} roles to {}",
                    spec.roles,
                    args.out.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", args.out.display());
                ExitCode::from(2)
            }
        };
    }
    let spec = org::Spec {
        accounts: args.accounts,
        roles_per_account: args.roles_per_account,
        users_per_account: args.users_per_account,
        seed: args.seed,
    };
    let result = if args.per_account {
        org::write_per_account(&spec, &args.out)
    } else {
        std::fs::File::create(&args.out)
            .and_then(|f| org::write_bundle(&spec, &mut BufWriter::new(f)))
    };
    match result {
        Ok(()) => {
            eprintln!(
                "wrote {} accounts, {} roles, {} users to {}",
                spec.accounts,
                spec.accounts * spec.roles_per_account,
                spec.accounts * spec.users_per_account,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", args.out.display());
            ExitCode::from(2)
        }
    }
}
