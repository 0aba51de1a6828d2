// The events accounts publishes about users; feed keeps names and its admin list from them.
import { Topics } from "../../events/topics.ts";
import type { Publish } from "../kit/unit-of-work.ts";
import type { User } from "./repositories/users.ts";

export async function announceRegistered(publish: Publish, user: User) {
  await publish({
    topic: Topics.UserRegistered,
    key: user.id,
    payload: {
      entity: { typename: "User", id: user.id },
      userId: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
    },
  });
}

export async function announceUpdated(publish: Publish, user: User) {
  await publish({
    topic: Topics.UserUpdated,
    key: user.id,
    payload: {
      entity: { typename: "User", id: user.id },
      userId: user.id,
      name: user.name,
      roles: user.roles,
    },
  });
}
