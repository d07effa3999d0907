import {
  IsArray,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

/** Fields every `release.*` event carries. */
export class ReleaseCampaignRef {
  @IsString()
  @MaxLength(64)
  campaignId!: string;
}

/** `release.committed`: code was uploaded (wxa/commit) for one mini program. */
export class ReleaseCommittedData extends ReleaseCampaignRef {
  @IsInt()
  @Min(0)
  templateId!: number;

  @IsString()
  @MaxLength(64)
  userVersion!: string;
}

/** `release.audit.submitted` */
export class ReleaseAuditSubmittedData extends ReleaseCampaignRef {
  @IsInt()
  auditId!: number;
}

/** `release.audit.succeeded` */
export class ReleaseAuditSucceededData extends ReleaseAuditSubmittedData {
  @IsISO8601({ strict: true })
  succeededAt!: string;
}

/** `release.audit.failed` */
export class ReleaseAuditFailedData extends ReleaseAuditSubmittedData {
  @IsString()
  reason!: string;

  /** media_ids of the reviewer's screenshots. */
  @IsArray()
  @IsString({ each: true })
  screenshots!: string[];
}

/** `release.audit.delayed` */
export class ReleaseAuditDelayedData extends ReleaseAuditSubmittedData {
  @IsString()
  reason!: string;
}

/** `release.released` */
export class ReleaseReleasedData extends ReleaseCampaignRef {
  @IsString()
  @MaxLength(64)
  userVersion!: string;
}

/** `release.reverted`: revertcoderelease took the campaign's version offline (the previous one is online again). */
export class ReleaseRevertedData extends ReleaseCampaignRef {
  /** The version taken offline (the campaign's `userVersion`); absent in events of older producers. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  userVersion?: string;

  /** Who asked (an operator's id). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestedBy?: string;
}

/**
 * `release.gray.stepped`: grayrelease set one step of the campaign's gray plan for one mini program
 * (`step` counts from 0; a step at 100 % is followed by `release.released`).
 */
export class ReleaseGraySteppedData extends ReleaseCampaignRef {
  @IsInt()
  @Min(0)
  step!: number;

  @IsInt()
  @Min(0)
  @Max(100)
  percentage!: number;

  @IsString()
  @MaxLength(64)
  userVersion!: string;
}

/** `release.campaign.finished`: counts per final state, e.g. `{ "released": 98, "rejected": 2 }`. */
export class ReleaseCampaignFinishedData extends ReleaseCampaignRef {
  @IsObject()
  counts!: Record<string, number>;
}

/** `release.campaign.started`: a campaign was created with its frozen targets; `counts` per state. */
export class ReleaseCampaignStartedData extends ReleaseCampaignRef {
  @IsInt()
  @Min(0)
  templateId!: number;

  /** Number of targets. */
  @IsInt()
  @Min(0)
  targets!: number;

  @IsObject()
  counts!: Record<string, number>;
}

/** `release.campaign.paused`: by an operator, the canary or the rejection threshold (`reason`). */
export class ReleaseCampaignPausedData extends ReleaseCampaignStartedData {
  @IsString()
  @MaxLength(255)
  reason!: string;
}
