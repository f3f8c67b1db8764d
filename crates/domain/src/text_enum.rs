//! [`text_enum!`]: an enum stored and shown as text.

/// A string-valued enum with `as_str`, `Display`, `FromStr` (whose error lists the accepted
/// texts) and serde as the same text, for the enums the store keeps in text columns:
///
/// ```
/// domain::text_enum!(
///     /// A light.
///     Light { Red => "red", Green => "green" }
/// );
/// assert_eq!("green".parse::<Light>(), Ok(Light::Green));
/// assert_eq!(Light::Red.to_string(), "red");
/// ```
#[macro_export]
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident {
        $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)?
    }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(
                        "{other:?} is not a {} ({})",
                        stringify!($name),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
