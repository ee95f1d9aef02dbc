import { describe, expect, it } from 'vitest'
import { errorText } from './admin-query.js'

describe('errorText', () => {
  it("drops the analyzer's hints, which name tables outside the tenant's scope", () => {
    expect(
      errorText(
        new Error(
          "Unknown table expression identifier 'users' in scope SELECT * FROM users. Maybe you meant system.users?. (UNKNOWN_TABLE)\nstack",
        ),
      ),
    ).toBe("Unknown table expression identifier 'users' in scope SELECT * FROM users.")
    expect(
      errorText(new Error("Unknown expression identifier `toolz` in scope x. Maybe you meant: ['tool']. ")),
    ).toBe('Unknown expression identifier `toolz` in scope x.')
  })
})
